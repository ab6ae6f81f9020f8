//! `TestApp`: the service in-process over a fresh database of its own.
//!
//! SQLite by default (a temporary file per test). With
//! `COOPERA_TEST_DATABASE_URL=postgres://…/postgres` every test gets a fresh
//! PostgreSQL database cloned from a migrated template, dropped afterwards.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use std::cell::OnceCell;
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use coopera::config::CorsOrigins;
use coopera::db::Db;
use coopera::{AppState, build_app};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use futures_util::future::LocalBoxFuture;
use serde_json::Value;

pub const TEST_DATABASE_ENV: &str = "COOPERA_TEST_DATABASE_URL";
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// The backend the tests run against.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
}

pub struct TestApp {
    pub state: AppState,
    /// The service, initialised once per test (as a server does once per
    /// worker), not once per request.
    service: OnceCell<Rc<TestService>>,
    _database: TestDatabase,
}

type TestService =
    dyn Fn(
        TestRequest,
    ) -> LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, actix_web::Error>>;

/// A response with its body read.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Every problem any test receives must be one the catalogue describes
    /// (`GET /problems/{code}`), with that code's status and `type`: checked
    /// on every response, so a new error path cannot ship an undocumented code.
    #[track_caller]
    fn check_problem_against_the_catalogue(&self) {
        if self.header("content-type") != Some("application/problem+json") {
            return;
        }
        let body = self.json();
        let code = body["code"].as_str().unwrap_or_default();
        let known = coopera::error::ProblemCode::from_code(code)
            .unwrap_or_else(|| panic!("problem code `{code}` is not in the catalogue: {body}"));
        assert_eq!(body["type"], format!("/problems/{code}"), "{body}");
        // The token endpoint answers OAuth errors with RFC 6749's statuses.
        if body.get("error").is_none() {
            assert_eq!(
                known.status().as_u16(),
                self.status.as_u16(),
                "`{code}` answered with another status than the catalogue's: {body}"
            );
        }
    }

    /// Asserts a problem response with this status and code, and returns its body.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text()
        );
        let body = self.json();
        assert_eq!(body["code"], code, "body: {body}");
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("/problems/{code}"));
        assert!(body["title"].is_string() && body["detail"].is_string());
        body
    }
}

pub struct Builder {
    body_limit: usize,
    cors: CorsOrigins,
    database_down: bool,
    trusted_proxies: coopera::http::client_addr::TrustedProxies,
    access_recheck: Duration,
    public_rate_limit: u32,
    survey_min_responses: i64,
    webhooks_allow_insecure: bool,
}

impl TestApp {
    pub fn builder() -> Builder {
        Builder {
            body_limit: coopera::config::DEFAULT_BODY_LIMIT,
            cors: CorsOrigins::None,
            database_down: false,
            trusted_proxies: Default::default(),
            // Every request is confirmed against the database, so a test sees
            // a revocation at once.
            access_recheck: Duration::ZERO,
            public_rate_limit: 0,
            survey_min_responses: 5,
            webhooks_allow_insecure: false,
        }
    }

    pub async fn new() -> Self {
        Self::builder().build().await
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(TestRequest::get().uri(uri)).await
    }

    /// A JSON `POST` without a token.
    pub async fn post_json(&self, uri: &str, body: Value) -> TestResponse {
        self.send(TestRequest::post().uri(uri).set_json(body)).await
    }

    pub async fn send(&self, req: TestRequest) -> TestResponse {
        let service = match self.service.get() {
            Some(service) => service.clone(),
            None => {
                use actix_web::dev::Service;
                let app = Rc::new(test::init_service(build_app(self.state.clone())).await);
                let service: Rc<TestService> = Rc::new(move |req: TestRequest| {
                    let app = app.clone();
                    let req = req.to_request();
                    Box::pin(async move { app.call(req).await.map(|r| r.map_into_boxed_body()) })
                });
                self.service.get_or_init(|| service).clone()
            }
        };
        Self::respond(service(req).await).await
    }

    /// Sends `req` to `app`, which tests may extend with routes of their own.
    pub async fn send_to<T, B>(&self, app: App<T>, req: TestRequest) -> TestResponse
    where
        T: ServiceFactory<
                ServiceRequest,
                Config = (),
                Response = ServiceResponse<B>,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
        B: MessageBody + 'static,
    {
        use actix_web::dev::Service;
        let service = test::init_service(app).await;
        let res = service
            .call(req.to_request())
            .await
            .map(|r| r.map_into_boxed_body());
        Self::respond(res).await
    }

    async fn respond(result: Result<ServiceResponse<BoxBody>, actix_web::Error>) -> TestResponse {
        // As the server does, an error that escapes the app becomes its response.
        let (status, headers, body) = match result {
            Ok(res) => {
                let status = res.status();
                let headers = res.headers().clone();
                (status, headers, test::read_body(res).await.to_vec())
            }
            Err(err) => {
                let res = err.error_response();
                let status = res.status();
                let headers = res.headers().clone();
                let body = actix_web::body::to_bytes(res.into_body())
                    .await
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                (status, headers, body)
            }
        };
        let res = TestResponse {
            status,
            headers,
            body,
        };
        res.check_problem_against_the_catalogue();
        res
    }

    /// Runs `f` on a connection to the test's database.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut coopera::db::DbConn) -> Result<T, coopera::error::ApiError> + Send + 'static,
    ) -> T {
        self.state
            .db
            .run(f)
            .await
            .unwrap_or_else(|e| panic!("database: {e}"))
    }
}

impl Builder {
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    pub fn cors(mut self, cors: CorsOrigins) -> Self {
        self.cors = cors;
        self
    }

    pub fn trusted_proxies(mut self, list: &str) -> Self {
        self.trusted_proxies =
            coopera::http::client_addr::TrustedProxies::parse(list).expect("proxy list");
        self
    }

    /// How long a confirmed caller is trusted (`COOPERA_ACCESS_RECHECK_SECS`).
    pub fn access_recheck(mut self, window: Duration) -> Self {
        self.access_recheck = window;
        self
    }

    /// Public writes a client may make a minute (`COOPERA_PUBLIC_RATE_LIMIT`).
    pub fn survey_min_responses(mut self, minimum: i64) -> Self {
        self.survey_min_responses = minimum;
        self
    }

    pub fn public_rate_limit(mut self, limit: u32) -> Self {
        self.public_rate_limit = limit;
        self
    }

    /// Webhook URLs may be `http://` and private
    /// (`COOPERA_WEBHOOKS_ALLOW_INSECURE`).
    pub fn webhooks_allow_insecure(mut self) -> Self {
        self.webhooks_allow_insecure = true;
        self
    }

    /// The service with a database that cannot be reached.
    pub fn database_down(mut self) -> Self {
        self.database_down = true;
        self
    }

    pub async fn build(self) -> TestApp {
        let (db, database) = if self.database_down {
            // Port 1 on loopback refuses connections at once.
            let db = Db::lazy(
                "postgres://coopera@127.0.0.1:1/unreachable",
                Duration::from_millis(500),
            )
            .expect("url");
            (db, TestDatabase::None)
        } else {
            web::block(TestDatabase::create)
                .await
                .expect("blocking pool")
        };
        TestApp {
            service: OnceCell::new(),
            state: AppState {
                tokens: std::sync::Arc::new(coopera::auth::jwt::TokenKeys::new(
                    TEST_JWT_SECRET.as_bytes(),
                    Duration::from_secs(900),
                    Duration::from_secs(30 * 86_400),
                )),
                db,
                body_limit: self.body_limit,
                cors: self.cors,
                trusted_proxies: self.trusted_proxies,
                public_rate_limit: self.public_rate_limit,
                consultation_periods: Default::default(),
                survey_min_responses: self.survey_min_responses,
                callers: std::sync::Arc::new(coopera::auth::current::Callers::new(
                    self.access_recheck,
                )),
                webhooks_allow_insecure: self.webhooks_allow_insecure,
            },
            _database: database,
        }
    }
}

enum TestDatabase {
    None,
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    /// A migrated database of the configured backend, and its pool.
    fn create() -> (Db, TestDatabase) {
        match postgres_admin_url() {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let db = Db::connect(&url, 4, Duration::from_secs(10)).expect("sqlite");
                db.migrate().expect("migrations");
                (db, TestDatabase::Sqlite(dir))
            }
            Some(admin_url) => {
                let template = postgres_template(&admin_url);
                let name = format!("coopera_test_{}", uuid::Uuid::now_v7().simple());
                {
                    // PostgreSQL refuses to copy a template while another CREATE
                    // DATABASE is reading it; one copy at a time per process.
                    static CREATE: Mutex<()> = Mutex::new(());
                    let _guard = CREATE.lock().unwrap_or_else(|e| e.into_inner());
                    let mut admin = PgConnection::establish(&admin_url).expect("admin connection");
                    admin
                        .batch_execute(&format!(
                            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
                        ))
                        .expect("create test database");
                }
                let db = Db::connect(
                    &with_database(&admin_url, &name),
                    4,
                    Duration::from_secs(10),
                )
                .expect("postgres");
                (db, TestDatabase::Postgres { admin_url, name })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A database with every migration applied, named after the migrations' content
/// so that it is built once and rebuilt only when they change.
fn postgres_template(admin_url: &str) -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = format!("coopera_test_tpl_{:016x}", migrations_hash());
            let mut admin = PgConnection::establish(admin_url).expect("admin connection");
            // Test binaries running at once must not build the template together.
            admin
                .batch_execute("SELECT pg_advisory_lock(7262)")
                .expect("lock");
            let exists: i64 =
                diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&name)
                    .get_result::<Count>(&mut admin)
                    .expect("pg_database")
                    .n;
            if exists == 0 {
                let building = format!("{name}_building");
                // One statement per call: a multi-statement string runs as one
                // transaction, which DROP/CREATE DATABASE refuse.
                admin
                    .batch_execute(&format!(
                        "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
                    ))
                    .expect("drop half-built template");
                admin
                    .batch_execute(&format!("CREATE DATABASE \"{building}\""))
                    .expect("create template");
                {
                    let db = Db::connect(
                        &with_database(admin_url, &building),
                        1,
                        Duration::from_secs(10),
                    )
                    .expect("template connection");
                    db.migrate().expect("template migrations");
                }
                admin
                    .batch_execute(&format!(
                        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                    ))
                    .expect("rename template");
            }
            admin
                .batch_execute("SELECT pg_advisory_unlock(7262)")
                .expect("unlock");
            name
        })
        .clone()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn migrations_hash() -> u64 {
    fn walk(dir: &Path, hasher: &mut DefaultHasher) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("migrations dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, hasher);
            } else {
                path.file_name().hash(hasher);
                std::fs::read(&path).expect("migration").hash(hasher);
            }
        }
    }
    let mut hasher = DefaultHasher::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres"),
        &mut hasher,
    );
    hasher.finish()
}

/// What [`TestApp::active_partnership`] made.
pub struct ActivePartnership {
    pub id: String,
    /// The lead member's organisation (an NGO).
    pub ngo: String,
    /// The partner's organisation (a county council).
    pub council: String,
    pub lead_member: String,
    pub partner_member: String,
}

/// An actor for minting tokens in tests.
pub fn user_actor(
    id: &str,
    person_id: Option<&str>,
    roles: Vec<coopera::auth::Role>,
) -> coopera::auth::Actor {
    coopera::auth::Actor::User(coopera::auth::UserActor {
        id: id.to_owned(),
        person_id: person_id.map(str::to_owned),
        roles,
        login: None,
    })
}

/// An API client of `organization_id` with `scopes`; each call names a new one.
pub fn client_actor(organization_id: &str, scopes: &[&str]) -> coopera::auth::Actor {
    coopera::auth::Actor::Client(coopera::auth::ClientActor {
        id: format!("test-client-{}", coopera::db::new_id()),
        organization_id: organization_id.to_owned(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    })
}

impl TestApp {
    /// A signed access token for `actor`. The service confirms every token's
    /// caller against the database, so the caller is made real first: a user
    /// (and a person for one with a person or scoped roles) holding exactly
    /// `actor`'s roles, or an API client of its organisation with its scopes.
    /// A user id already in the database must hold the same roles.
    pub fn token(&self, actor: &coopera::auth::Actor) -> String {
        let actor = self.make_real(actor);
        self.state.tokens.issue(&actor).expect("token").0
    }

    pub fn admin_token(&self) -> String {
        self.token(&user_actor("admin", None, vec![coopera::auth::Role::Admin]))
    }

    /// Sends `req` with `Authorization: Bearer <token>`.
    pub async fn send_as(&self, token: &str, req: TestRequest) -> TestResponse {
        self.send(req.insert_header(("authorization", format!("Bearer {token}"))))
            .await
    }

    /// The change log's entries for record `id`, oldest first, as an admin
    /// reads them.
    pub async fn change_log(&self, id: &str) -> Vec<Value> {
        let log = self
            .get_as(
                &self.admin_token(),
                &format!("/api/v1/audit?entity_id={id}"),
            )
            .await
            .json();
        log["items"].as_array().unwrap().clone()
    }

    /// The actions of the change log's entries for record `id`, oldest first.
    pub async fn logged_actions(&self, id: &str) -> Vec<String> {
        self.change_log(id)
            .await
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn get_as(&self, token: &str, uri: &str) -> TestResponse {
        self.send_as(token, TestRequest::get().uri(uri)).await
    }

    pub async fn post_json_as(&self, token: &str, uri: &str, body: Value) -> TestResponse {
        self.send_as(token, TestRequest::post().uri(uri).set_json(body))
            .await
    }

    pub async fn patch_json_as(&self, token: &str, uri: &str, body: Value) -> TestResponse {
        self.send_as(token, TestRequest::patch().uri(uri).set_json(body))
            .await
    }

    /// Creates a user directly in the database; returns its id.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        roles: Vec<coopera::auth::users::GlobalRole>,
        person_id: Option<String>,
    ) -> String {
        let email = email.to_owned();
        let hash = coopera::auth::password::hash(password).expect("hash");
        self.db(move |conn| {
            let caller = coopera::audit::Caller {
                actor: coopera::auth::Actor::Anonymous,
                request_id: None,
            };
            let row = coopera::auth::users::insert_user(
                conn,
                &caller,
                coopera::auth::users::NewUser {
                    display_name: email.clone(),
                    email,
                    password_hash: hash,
                    roles,
                    person_id,
                },
            )?;
            Ok(row.id)
        })
        .await
    }

    /// Posts a form to the token endpoint.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> TestResponse {
        self.send(
            TestRequest::post().uri("/api/v1/auth/token").set_form(
                form.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>(),
            ),
        )
        .await
    }

    /// POSTs `body` to `uri` as `token`, asserting 201; returns the created record.
    pub async fn created(&self, token: &str, uri: &str, body: Value) -> Value {
        let res = self.post_json_as(token, uri, body).await;
        assert_eq!(res.status, 201, "POST {uri}: {}", res.text());
        res.json()
    }

    /// A project and an access token of its coordinator (a new user).
    pub async fn project_with_coordinator(&self, code: &str) -> (String, String) {
        let project = self.create_project(code).await;
        let token = self.token(&user_actor(
            &format!("coordinator-of-{code}"),
            None,
            vec![coopera::auth::Role::Coordinator {
                project_id: project.clone(),
            }],
        ));
        (project, token)
    }

    /// An organisation made from `body` and an access token of its org admin
    /// (a new user, an active member).
    pub async fn organization_with_admin(&self, body: Value) -> (String, String) {
        let org = self.create_org(body).await;
        let token = self.token(&user_actor(
            &format!("admin-of-{org}"),
            None,
            vec![coopera::auth::Role::OrgAdmin {
                organization_id: org.clone(),
            }],
        ));
        (org, token)
    }

    /// An active cross-sector partnership (of `project`, if given) as seed 000
    /// forms one: an NGO lead and a county council partner, agreement signed.
    pub async fn active_partnership(&self, project: Option<&str>) -> ActivePartnership {
        let admin = self.admin_token();
        let ngo = self
            .create_org(
                serde_json::json!({"name": "Asociația Lead", "kind": "ngo", "country": "RO"}),
            )
            .await;
        let council = self
            .create_org(
                serde_json::json!({"name": "Consiliul Județean Alba", "kind": "local_government",
                "country": "RO", "teryt_code": "RO-AB"}),
            )
            .await;
        let body = serde_json::json!({"name": "Parteneriat", "project_id": project,
            "agreement": {"signed_on": "2026-01-10"}});
        let id = self.created(&admin, "/api/v1/partnerships", body).await["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let members = format!("/api/v1/partnerships/{id}/members");
        let member = |org: &str, role: &str| {
            let body = serde_json::json!({"organization_id": org, "role": role, "joined_on": "2026-01-15"});
            let members = members.clone();
            let admin = admin.clone();
            async move {
                self.created(&admin, &members, body).await["id"]
                    .as_str()
                    .expect("id")
                    .to_owned()
            }
        };
        let lead_member = member(&ngo, "lead").await;
        let partner_member = member(&council, "partner").await;
        let res = self
            .send_as(
                &admin,
                TestRequest::post().uri(&format!("/api/v1/partnerships/{id}/activate")),
            )
            .await;
        assert_eq!(res.status, 200, "activate: {}", res.text());
        ActivePartnership {
            id,
            ngo,
            council,
            lead_member,
            partner_member,
        }
    }

    /// Creates an organisation as admin; returns its id.
    pub async fn create_org(&self, body: Value) -> String {
        let res = self
            .post_json_as(&self.admin_token(), "/api/v1/organizations", body)
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        res.json()["id"].as_str().unwrap().to_owned()
    }

    /// Creates a person as admin; returns its id.
    pub async fn create_person(&self, body: Value) -> String {
        let res = self
            .post_json_as(&self.admin_token(), "/api/v1/people", body)
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        res.json()["id"].as_str().unwrap().to_owned()
    }

    /// Creates a project as admin; returns its id.
    pub async fn create_project(&self, code: &str) -> String {
        let res = self
            .post_json_as(
                &self.admin_token(),
                "/api/v1/projects",
                serde_json::json!({"code": code, "title": format!("Project {code}")}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        res.json()["id"].as_str().unwrap().to_owned()
    }
}

impl TestApp {
    fn make_real(&self, actor: &coopera::auth::Actor) -> coopera::auth::Actor {
        use coopera::auth::{Actor, ClientActor, Role, UserActor};
        use coopera::db::schema::{
            api_clients, organization_members, people, project_coordinators, user_roles, users,
        };
        use diesel::prelude::*;
        let mut conn = self.state.db.pool().get().expect("a connection");
        let conn = &mut *conn;
        let now = coopera::db::now();
        match actor {
            Actor::Anonymous => Actor::Anonymous,
            Actor::Client(c) => {
                let exists: i64 = api_clients::table
                    .find(&c.id)
                    .count()
                    .get_result(conn)
                    .expect("client lookup");
                if exists == 0 {
                    diesel::insert_into(api_clients::table)
                        .values((
                            api_clients::id.eq(&c.id),
                            api_clients::organization_id.eq(&c.organization_id),
                            api_clients::name.eq(&c.id),
                            api_clients::secret_hash.eq("!"),
                            api_clients::scopes.eq(c.scopes.join(" ")),
                            api_clients::created_at.eq(now),
                            api_clients::updated_at.eq(now),
                            api_clients::version.eq(1_i64),
                        ))
                        .execute(conn)
                        .expect("a test API client");
                }
                Actor::Client(ClientActor { ..c.clone() })
            }
            Actor::User(u) => {
                let existing: Option<Option<String>> = users::table
                    .find(&u.id)
                    .select(users::person_id)
                    .first(conn)
                    .optional()
                    .expect("user lookup");
                let created = existing.is_none();
                let person_id = match existing {
                    Some(person_id) => person_id,
                    None => {
                        let scoped = u
                            .roles
                            .iter()
                            .any(|r| !matches!(r, Role::Admin | Role::Trainer | Role::Reviewer));
                        let person_id = u
                            .person_id
                            .clone()
                            .or_else(|| scoped.then(coopera::db::new_id));
                        let person_exists = |conn: &mut coopera::db::DbConn, p: &str| {
                            people::table
                                .find(p)
                                .count()
                                .get_result::<i64>(conn)
                                .expect("person")
                                > 0
                        };
                        if let Some(p) = person_id.as_ref().filter(|p| !person_exists(conn, p)) {
                            diesel::insert_into(people::table)
                                .values((
                                    people::id.eq(p),
                                    people::full_name.eq(format!("Test person {p}")),
                                    people::name_search.eq(format!("test person {p}")),
                                    people::created_at.eq(now),
                                    people::updated_at.eq(now),
                                    people::version.eq(1_i64),
                                ))
                                .execute(conn)
                                .expect("a test person");
                        }
                        diesel::insert_into(users::table)
                            .values((
                                users::id.eq(&u.id),
                                users::email.eq(format!("{}@users.test.invalid", u.id)),
                                users::display_name.eq(&u.id),
                                users::password_hash.eq("!"),
                                users::active.eq(true),
                                users::person_id.eq(&person_id),
                                users::created_at.eq(now),
                                users::updated_at.eq(now),
                                users::version.eq(1_i64),
                            ))
                            .execute(conn)
                            .expect("a test user");
                        for role in &u.roles {
                            let person = person_id.clone().unwrap_or_default();
                            let (global, org_role) = match role {
                                Role::Admin => (Some("admin"), None),
                                Role::Trainer => (Some("trainer"), None),
                                Role::Reviewer => (Some("reviewer"), None),
                                Role::Coordinator { project_id } => {
                                    diesel::insert_into(project_coordinators::table)
                                        .values((
                                            project_coordinators::project_id.eq(project_id),
                                            project_coordinators::person_id.eq(&person),
                                            project_coordinators::created_at.eq(now),
                                        ))
                                        .execute(conn)
                                        .expect("a test coordinator");
                                    (None, None)
                                }
                                Role::OrgAdmin { organization_id } => {
                                    (None, Some((organization_id, "org_admin")))
                                }
                                Role::OrgMember { organization_id } => {
                                    (None, Some((organization_id, "org_member")))
                                }
                            };
                            if let Some(global) = global {
                                diesel::insert_into(user_roles::table)
                                    .values((
                                        user_roles::user_id.eq(&u.id),
                                        user_roles::role.eq(global),
                                    ))
                                    .execute(conn)
                                    .expect("a test role");
                            }
                            if let Some((organization_id, role)) = org_role {
                                diesel::insert_into(organization_members::table)
                                    .values((
                                        organization_members::id.eq(coopera::db::new_id()),
                                        organization_members::organization_id.eq(organization_id),
                                        organization_members::person_id.eq(&person),
                                        organization_members::role.eq(role),
                                        organization_members::status.eq("active"),
                                        organization_members::created_at.eq(now),
                                        organization_members::updated_at.eq(now),
                                        organization_members::version.eq(1_i64),
                                    ))
                                    .execute(conn)
                                    .expect("a test membership");
                            }
                        }
                        person_id
                    }
                };
                let roles = coopera::auth::users::load_roles(conn, &u.id, person_id.as_deref())
                    .expect("roles");
                let mut held = roles.clone();
                let key = |r: &Role| format!("{r:?}");
                held.sort_by_key(key);
                if created {
                    // A person who existed before may hold roles of their own.
                    assert!(
                        u.roles.iter().all(|r| held.contains(r)),
                        "the test user `{}` did not get the roles {:?}",
                        u.id,
                        u.roles
                    );
                } else {
                    let mut asked = u.roles.clone();
                    asked.sort_by_key(key);
                    assert_eq!(
                        held, asked,
                        "the test user `{}` already exists with other roles; give this caller another id",
                        u.id
                    );
                }
                Actor::User(UserActor {
                    id: u.id.clone(),
                    person_id,
                    roles,
                    login: None,
                })
            }
        }
    }
}
