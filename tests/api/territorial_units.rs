use std::collections::HashSet;

use actix_web::test::TestRequest;
use serde_json::Value;

use crate::support::TestApp;

async fn all_pages(app: &TestApp, query: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut uri = format!("/api/v1/territorial-units?limit={limit}&{query}");
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&uri).await;
        assert_eq!(res.status, 200, "{}", res.text());
        let body = res.json();
        let page = body["items"].as_array().unwrap();
        assert!(page.len() <= limit);
        items.extend(page.iter().cloned());
        pages += 1;
        match body["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(page.len(), limit, "only a full page has a next page");
                cursor = Some(c.to_owned());
            }
            None => break,
        }
        assert!(pages < 100, "pagination does not end");
    }
    (items, pages)
}

/// The units the migrations ship: 16 voivodeships, 42 Romanian counties and
/// 3,187 Romanian municipalities and sectors.
const BUILT_IN: usize = 16 + 42 + 3187;

fn codes(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn the_voivodeships_and_romanian_counties_are_built_in() {
    let app = TestApp::new().await;
    let (pl, _) = all_pages(&app, "country=PL&level=voivodeship", 200).await;
    assert_eq!(pl.len(), 16);
    assert_eq!(codes(&pl)[..3], ["02", "04", "06"]);
    assert!(codes(&pl).iter().all(|c| c.len() == 2));

    let (ro, _) = all_pages(&app, "country=ro&level=county", 200).await;
    assert_eq!(ro.len(), 42, "41 counties and Bucharest");
    assert!(codes(&ro).iter().all(|c| c.starts_with("RO-")));
    assert!(codes(&ro).contains(&"RO-B".to_owned()));

    // Romania's municipalities, towns, communes and Bucharest's sectors, from
    // the SIRUTA register; Poland's come from `coopera import terc`.
    let (ro, _) = all_pages(&app, "country=RO&level=municipality", 200).await;
    assert_eq!(ro.len(), 3187);
    assert!(
        ro.iter()
            .all(|u| u["parent_code"].as_str().unwrap().starts_with("RO-"))
    );
    let (pl, _) = all_pages(&app, "country=PL&level=municipality", 200).await;
    assert!(pl.is_empty());
}

#[actix_web::test]
async fn pages_cover_every_unit_once_in_code_order() {
    let app = TestApp::new().await;
    let (everything, pages) = all_pages(&app, "", 200).await;
    assert_eq!(pages, 17);
    assert_eq!(everything.len(), BUILT_IN);
    let unique: HashSet<_> = codes(&everything).into_iter().collect();
    assert_eq!(unique.len(), BUILT_IN);

    let (everything, pages) = all_pages(&app, "level=county", 200).await;
    assert_eq!((everything.len(), pages), (42, 1));
    let (paged, pages) = all_pages(&app, "level=county", 7).await;
    assert_eq!(pages, 6, "42 rows in pages of 7");
    assert_eq!(codes(&paged), codes(&everything));
    let mut sorted = codes(&paged);
    sorted.sort();
    assert_eq!(sorted, codes(&paged));

    // Filters and pagination combine.
    let (pl, pages) = all_pages(&app, "country=PL", 10).await;
    assert_eq!((pl.len(), pages), (16, 2));
}

#[actix_web::test]
async fn the_default_page_is_fifty() {
    let app = TestApp::new().await;
    let body = app.get("/api/v1/territorial-units").await.json();
    assert_eq!(body["items"].as_array().unwrap().len(), 50);
    assert!(body["next_cursor"].is_string());
}

#[actix_web::test]
async fn search_ignores_case_and_diacritics() {
    let app = TestApp::new().await;
    for (q, expected) in [
        ("lodz", vec!["10"]),
        ("ŁÓDZ", vec!["10"]),
        ("slask", vec!["02", "24"]),
        ("bucuresti", vec!["RO-179132", "RO-B"]),
        (
            "Bistrița",
            vec!["RO-21249", "RO-32394", "RO-32633", "RO-BN"],
        ),
        ("nasaud", vec!["RO-32544", "RO-BN"]),
        ("pomorskie", vec!["04", "22", "32"]),
        ("%", vec![]),
        ("_", vec![]),
    ] {
        let (items, _) = all_pages(&app, &format!("q={}", urlencode(q)), 200).await;
        assert_eq!(codes(&items), expected, "q={q}");
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[actix_web::test]
async fn the_stored_search_text_is_the_folded_name() {
    use coopera::db::schema::territorial_units::dsl as tu;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    let rows: Vec<(String, String)> = app
        .db(|conn| {
            Ok(tu::territorial_units
                .select((tu::name, tu::name_search))
                .load(conn)?)
        })
        .await;
    assert_eq!(rows.len(), BUILT_IN);
    for (name, search) in rows {
        assert_eq!(coopera::db::fold_for_search(&name), search, "{name}");
    }
}

#[actix_web::test]
async fn parent_filters_children() {
    use coopera::db::schema::territorial_units::dsl as tu;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    app.db(|conn| {
        let now = chrono::Utc::now().naive_utc();
        diesel::insert_into(tu::territorial_units)
            .values((
                tu::code.eq("0201"),
                tu::name.eq("bolesławiecki"),
                tu::name_search.eq(coopera::db::fold_for_search("bolesławiecki")),
                tu::level.eq("county"),
                tu::parent_code.eq("02"),
                tu::country.eq("PL"),
                tu::created_at.eq(now),
                tu::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let (children, _) = all_pages(&app, "parent=02", 50).await;
    assert_eq!(codes(&children), ["0201"]);
    assert_eq!(children[0]["parent_code"], "02");
    let (none, _) = all_pages(&app, "parent=04", 50).await;
    assert!(none.is_empty());
    let (q, _) = all_pages(&app, "q=boleslaw", 50).await;
    assert_eq!(codes(&q), ["0201"]);
}

#[actix_web::test]
async fn updated_since_returns_only_later_changes() {
    use coopera::db::schema::territorial_units::dsl as tu;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    let (all, _) = all_pages(&app, "updated_since=2000-01-01T00:00:00Z", 200).await;
    assert_eq!(all.len(), BUILT_IN);
    let (none, _) = all_pages(&app, "updated_since=2999-01-01T00:00:00Z", 200).await;
    assert!(none.is_empty());

    let later = chrono::Utc::now().naive_utc() + chrono::Duration::days(1);
    app.db(move |conn| {
        diesel::update(tu::territorial_units.find("RO-CJ"))
            .set((tu::updated_at.eq(later), tu::version.eq(tu::version + 1)))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let since = (later - chrono::Duration::seconds(1))
        .and_utc()
        .to_rfc3339();
    let (changed, _) = all_pages(&app, &format!("updated_since={}", urlencode(&since)), 200).await;
    assert_eq!(codes(&changed), ["RO-CJ"]);
}

#[actix_web::test]
async fn a_unit_is_read_by_code_with_its_etag() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/territorial-units/RO-CJ").await;
    assert_eq!(res.status, 200);
    let body = res.json();
    assert_eq!(body["id"], "RO-CJ");
    assert_eq!(body["name"], "Cluj");
    assert_eq!(body["level"], "county");
    assert_eq!(body["country"], "RO");
    assert_eq!(body["version"], 1);
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
    let etag = res.header("etag").unwrap().to_owned();
    assert!(etag.starts_with('"'));

    let not_modified = app
        .send(
            TestRequest::get()
                .uri("/api/v1/territorial-units/RO-CJ")
                .insert_header(("if-none-match", etag.as_str())),
        )
        .await;
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(not_modified.header("etag"), Some(etag.as_str()));

    // Another unit's tag does not match.
    let other = app
        .send(
            TestRequest::get()
                .uri("/api/v1/territorial-units/02")
                .insert_header(("if-none-match", etag.as_str())),
        )
        .await;
    assert_eq!(other.status, 200);
}

#[actix_web::test]
async fn the_etag_changes_with_the_version() {
    use coopera::db::schema::territorial_units::dsl as tu;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    let before = app.get("/api/v1/territorial-units/14").await;
    let etag = before.header("etag").unwrap().to_owned();
    app.db(|conn| {
        diesel::update(tu::territorial_units.find("14"))
            .set(tu::version.eq(tu::version + 1))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let after = app
        .send(
            TestRequest::get()
                .uri("/api/v1/territorial-units/14")
                .insert_header(("if-none-match", etag.as_str())),
        )
        .await;
    assert_eq!(after.status, 200);
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    assert_eq!(after.json()["version"], 2);
}

#[actix_web::test]
async fn an_unknown_code_is_404() {
    let app = TestApp::new().await;
    let body = app
        .get("/api/v1/territorial-units/99")
        .await
        .assert_problem(404, "not_found");
    assert!(body["detail"].as_str().unwrap().contains("99"));
}
