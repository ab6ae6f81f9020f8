//! Automatic assignment of people to a programme's groups, without the
//! database: within each group's capacity, meeting the composition targets
//! as closely as possible, spreading the people of one organisation across
//! the groups, and giving the same result for the same input and seed.
//!
//! The method, greedy and in two passes over the people in a seeded order
//! that takes one person of each organisation before a second of any:
//!
//! 1. **Targets.** A person goes to a group still short of their category's
//!    target, if any: the one with the fewest people of their organisation,
//!    then the largest shortfall, then the emptiest.
//! 2. **The rest.** The others go where a place is free that no other
//!    category's unmet target needs, again the group with the fewest of their
//!    organisation, then the emptiest; only when there is no such place do
//!    they take one a target still needs.
//!
//! A person for whom no group has a place (or whose other training clashes
//! with every group that has) is left out and counted.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

/// A group as the assignment sees it.
#[derive(Debug, Clone)]
pub struct Seats {
    pub capacity: i64,
    /// Its participants, before and as assigned, by category.
    pub by_category: BTreeMap<String, i64>,
    /// Its participants by organisation.
    pub by_organisation: HashMap<String, i64>,
    pub targets: BTreeMap<String, i64>,
}

impl Seats {
    fn count(&self) -> i64 {
        self.by_category.values().sum()
    }

    fn free(&self) -> i64 {
        self.capacity - self.count()
    }

    fn shortfall(&self, category: &str) -> i64 {
        let has = self.by_category.get(category).copied().unwrap_or(0);
        self.targets.get(category).map_or(0, |t| (t - has).max(0))
    }

    /// Places the unmet targets of categories other than `category` need.
    fn reserved_for_others(&self, category: &str) -> i64 {
        self.targets
            .keys()
            .filter(|c| c.as_str() != category)
            .map(|c| self.shortfall(c))
            .sum()
    }

    fn of(&self, organisation: Option<&str>) -> i64 {
        organisation.map_or(0, |o| self.by_organisation.get(o).copied().unwrap_or(0))
    }

    fn take(&mut self, person: &Person) {
        *self.by_category.entry(person.category.clone()).or_insert(0) += 1;
        if let Some(o) = &person.organisation {
            *self.by_organisation.entry(o.clone()).or_insert(0) += 1;
        }
    }
}

/// A person to assign.
#[derive(Debug, Clone)]
pub struct Person {
    pub category: String,
    /// Their organisation (an id, or a name as written), if any.
    pub organisation: Option<String>,
    /// Groups (by index) they cannot join: they attend another session at
    /// the time of one of the group's.
    pub excluded: Vec<usize>,
}

/// A small seeded generator (SplitMix64), so that a seed gives the same
/// order on every machine and with every version of the service.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A Fisher–Yates shuffle.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// The order people are placed in: seeded, then one of each organisation
/// before a second of any.
fn order(people: &[Person], rng: &mut SplitMix64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..people.len()).collect();
    rng.shuffle(&mut order);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut ranked: Vec<(usize, usize)> = order
        .into_iter()
        .map(|i| {
            let rank = people[i].organisation.as_deref().map_or(0, |o| {
                let n = seen.entry(o).or_insert(0);
                *n += 1;
                *n - 1
            });
            (rank, i)
        })
        .collect();
    // Stable: within a rank, the seeded order.
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, i)| i).collect()
}

/// Assigns `people` to `groups` (updating their counts); returns each
/// person's group index, or `None` when no group could take them.
pub fn assign(groups: &mut [Seats], people: &[Person], seed: u64) -> Vec<Option<usize>> {
    let mut rng = SplitMix64(seed);
    let order = order(people, &mut rng);
    // Ties between groups go by a seeded order of the groups.
    let mut tie: Vec<usize> = (0..groups.len()).collect();
    rng.shuffle(&mut tie);
    let mut rank = vec![0; groups.len()];
    for (r, g) in tie.into_iter().enumerate() {
        rank[g] = r;
    }
    // Emptiness as a fraction compared exactly: count/capacity in parts per
    // million of a place is plenty for capacities up to 100,000.
    let fill = |s: &Seats| s.count() * 1_000_000 / s.capacity.max(1);
    let mut placed = vec![None; people.len()];
    let mut later = Vec::new();
    for &i in &order {
        let p = &people[i];
        let org = p.organisation.as_deref();
        let best = (0..groups.len())
            .filter(|g| !p.excluded.contains(g))
            .filter(|&g| groups[g].free() > 0 && groups[g].shortfall(&p.category) > 0)
            .min_by_key(|&g| {
                let s = &groups[g];
                (s.of(org), -s.shortfall(&p.category), fill(s), rank[g])
            });
        match best {
            Some(g) => {
                groups[g].take(p);
                placed[i] = Some(g);
            }
            None => later.push(i),
        }
    }
    for i in later {
        let p = &people[i];
        let org = p.organisation.as_deref();
        let best = (0..groups.len())
            .filter(|g| !p.excluded.contains(g))
            .filter(|&g| groups[g].free() > 0)
            .min_by_key(|&g| {
                let s = &groups[g];
                let spare = s.free() > s.reserved_for_others(&p.category);
                (!spare, s.of(org), fill(s), rank[g])
            });
        if let Some(g) = best {
            groups[g].take(p);
            placed[i] = Some(g);
        }
    }
    placed
}

/// How a group's composition compares with one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetMet {
    #[schema(max_length = 50)]
    pub category: String,
    /// `null` for a category the group has no target for.
    #[schema(minimum = 0, maximum = 100000)]
    pub target: Option<i64>,
    #[schema(minimum = 0, maximum = 100000)]
    pub actual: i64,
    /// `actual - target` (0 when met exactly).
    #[schema(minimum = -100000, maximum = 100000)]
    pub difference: Option<i64>,
}

/// Each category of a group: its target (if any) against its participants.
pub fn targets_met(group: &Seats) -> Vec<TargetMet> {
    let mut categories: Vec<&String> = group
        .targets
        .keys()
        .chain(group.by_category.keys())
        .collect();
    categories.sort();
    categories.dedup();
    categories
        .into_iter()
        .map(|c| {
            let target = group.targets.get(c).copied();
            let actual = group.by_category.get(c).copied().unwrap_or(0);
            TargetMet {
                category: c.clone(),
                target,
                actual,
                difference: target.map(|t| actual - t),
            }
        })
        .collect()
}

/// How evenly organisations ended up spread: of the organisations with
/// people in the groups, how many have at most ⌈n / groups⌉ in any one.
pub fn spread(groups: &[Seats]) -> (usize, usize) {
    let mut total: HashMap<&str, i64> = HashMap::new();
    let mut most: HashMap<&str, i64> = HashMap::new();
    for g in groups {
        for (o, n) in &g.by_organisation {
            *total.entry(o).or_insert(0) += n;
            let m = most.entry(o).or_insert(0);
            *m = (*m).max(*n);
        }
    }
    let k = groups.len().max(1) as i64;
    let even = total
        .iter()
        .filter(|(o, n)| most[*o] <= (*n + k - 1) / k)
        .count();
    (even, total.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(capacity: i64, targets: &[(&str, i64)]) -> Seats {
        Seats {
            capacity,
            by_category: BTreeMap::new(),
            by_organisation: HashMap::new(),
            targets: targets.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect(),
        }
    }

    fn person(category: &str, organisation: Option<&str>) -> Person {
        Person {
            category: category.to_owned(),
            organisation: organisation.map(str::to_owned),
            excluded: Vec::new(),
        }
    }

    /// Seed 003: 80 NGO and 20 JST people into four groups of 20 + 5.
    fn seed_003() -> (Vec<Seats>, Vec<Person>) {
        let groups = vec![group(25, &[("ngo", 20), ("jst", 5)]); 4];
        let mut people = Vec::new();
        for i in 0..80 {
            // Eight NGOs of ten people each.
            people.push(person("ngo", Some(&format!("ngo-{}", i % 8))));
        }
        for i in 0..20 {
            // Five local governments of four people each.
            people.push(person("jst", Some(&format!("jst-{}", i % 5))));
        }
        (groups, people)
    }

    #[test]
    fn seed_003s_groups_meet_every_target_and_spread_each_organisation() {
        let (mut groups, people) = seed_003();
        let placed = assign(&mut groups, &people, 7);
        assert!(placed.iter().all(Option::is_some));
        for g in &groups {
            assert_eq!(g.count(), 25);
            assert!(targets_met(g).iter().all(|t| t.difference == Some(0)));
        }
        // Ten people of an NGO over four groups: at most three in one.
        assert_eq!(spread(&groups), (13, 13));
    }

    #[test]
    fn the_same_seed_gives_the_same_assignment_and_another_seed_another() {
        let (groups, people) = seed_003();
        let run = |seed| assign(&mut groups.clone(), &people, seed);
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn capacity_holds_and_the_rest_are_left_out() {
        let mut groups = vec![group(2, &[]), group(1, &[])];
        let people = vec![person("ngo", None); 5];
        let placed = assign(&mut groups, &people, 0);
        assert_eq!(placed.iter().filter(|p| p.is_none()).count(), 2);
        assert_eq!((groups[0].count(), groups[1].count()), (2, 1));
    }

    #[test]
    fn places_a_target_needs_are_kept_for_it() {
        // Two groups of 3, each aiming at 1 JST; 4 NGO people arrive first in
        // any order, then 2 JST: each group still gets its JST person.
        let mut groups = vec![group(3, &[("jst", 1)]), group(3, &[("jst", 1)])];
        let mut people = vec![person("ngo", None); 4];
        people.extend(vec![person("jst", None); 2]);
        for seed in 0..20 {
            let mut g = groups.clone();
            assign(&mut g, &people, seed);
            for s in &g {
                assert_eq!(s.by_category.get("jst"), Some(&1), "seed {seed}");
            }
        }
        assign(&mut groups, &people, 0);
        assert_eq!(
            targets_met(&groups[0]),
            vec![
                TargetMet {
                    category: "jst".into(),
                    target: Some(1),
                    actual: 1,
                    difference: Some(0)
                },
                TargetMet {
                    category: "ngo".into(),
                    target: None,
                    actual: 2,
                    difference: None
                },
            ]
        );
    }

    #[test]
    fn an_excluded_group_is_never_chosen_and_existing_participants_count() {
        let mut groups = vec![group(2, &[("ngo", 2)]), group(2, &[("ngo", 2)])];
        groups[0].by_category.insert("ngo".into(), 1);
        let mut p = person("ngo", None);
        p.excluded = vec![1];
        let placed = assign(&mut groups, &[p.clone(), p], 0);
        assert_eq!(placed, vec![Some(0), None]);
    }

    #[test]
    fn targets_short_of_people_are_reported_short() {
        let mut groups = vec![group(10, &[("jst", 5)])];
        assign(&mut groups, &[person("jst", None)], 0);
        assert_eq!(targets_met(&groups[0])[0].difference, Some(-4));
    }
}
