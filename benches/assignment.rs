//! How long the automatic assignment of training participants takes, and how
//! close it gets to the targets: 10,000 people (8,000 from 800 NGOs, 2,000
//! from 200 local governments, ten of each) into 100 groups of 100 aiming at
//! 80 NGO + 20 local-government places each — and, as the baseline measured
//! in the same run, a round robin over the same people that only respects
//! capacity. Run with `cargo bench --bench assignment`.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use coopera::training::assignment::{Person, Seats, assign, spread, targets_met};

fn groups(n: usize) -> Vec<Seats> {
    vec![
        Seats {
            capacity: 100,
            by_category: BTreeMap::new(),
            by_organisation: HashMap::new(),
            targets: BTreeMap::from([("ngo".to_owned(), 80), ("jst".to_owned(), 20)]),
        };
        n
    ]
}

fn people() -> Vec<Person> {
    let mut people = Vec::with_capacity(10_000);
    for i in 0..8_000 {
        people.push(Person {
            category: "ngo".to_owned(),
            organisation: Some(format!("ngo-{}", i % 800)),
            excluded: Vec::new(),
        });
    }
    for i in 0..2_000 {
        people.push(Person {
            category: "jst".to_owned(),
            organisation: Some(format!("jst-{}", i % 200)),
            excluded: Vec::new(),
        });
    }
    people
}

/// The baseline: each person to the next group with room, in turn.
fn round_robin(groups: &mut [Seats], people: &[Person]) -> Vec<Option<usize>> {
    let mut next = 0;
    people
        .iter()
        .map(|p| {
            for k in 0..groups.len() {
                let g = (next + k) % groups.len();
                let s = &mut groups[g];
                if s.by_category.values().sum::<i64>() < s.capacity {
                    *s.by_category.entry(p.category.clone()).or_insert(0) += 1;
                    if let Some(o) = &p.organisation {
                        *s.by_organisation.entry(o.clone()).or_insert(0) += 1;
                    }
                    next = g + 1;
                    return Some(g);
                }
            }
            None
        })
        .collect()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<F: FnMut() -> Vec<Seats>>(runs: usize, mut f: F) -> (Duration, Vec<Seats>) {
    let mut last = Vec::new();
    let times = (0..runs)
        .map(|_| {
            let t = Instant::now();
            last = f();
            t.elapsed()
        })
        .collect();
    (median(times), last)
}

fn shortfall(groups: &[Seats]) -> i64 {
    groups
        .iter()
        .flat_map(targets_met)
        .filter_map(|t| t.difference)
        .map(|d| (-d).max(0))
        .sum()
}

fn main() {
    let people = people();
    let runs = 11;
    let (assigned, a) = time(runs, || {
        let mut g = groups(100);
        let placed = assign(&mut g, &people, 2014);
        assert!(placed.iter().all(Option::is_some));
        g
    });
    let (baseline, b) = time(runs, || {
        let mut g = groups(100);
        round_robin(&mut g, &people);
        g
    });
    let (even, orgs) = spread(&a);
    let (base_even, _) = spread(&b);
    println!("automatic assignment: 10,000 people into 100 groups of 100 (median of {runs} runs)");
    println!(
        "  assign (seed 2014):   {:>8.1} ms",
        assigned.as_secs_f64() * 1e3
    );
    println!(
        "  round robin baseline: {:>8.1} ms",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "  ratio assign / baseline: {:.1}",
        assigned.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "  targets missed by (people short, all groups): assign {}, baseline {}",
        shortfall(&a),
        shortfall(&b)
    );
    println!(
        "  organisations spread evenly: assign {even} of {orgs}, baseline {base_even} of {orgs}"
    );
}
