//! The harness: each test gets its own table and bucket in the moto that `make test`
//! started, and its own server on a free port, serving the same service `make run` does.

use serde_json::{Value, json};
use swz_shared::App;
use swz_shared::config::Config;

pub const PASSWORD: &str = "Passw0rd2026";

/// A running server and a client for it.
pub struct TestApp {
    pub base: String,
    pub app: App,
    pub http: reqwest::Client,
}

/// An answer: status and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// The error code of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The message for `field` of a 422.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.body["error"]["fields"][field].as_str()
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        self.body
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid_like())
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos % 1_000_000_000
    )
}

/// Configuration for one test: a table and bucket of its own, short login locks.
pub fn test_config() -> Config {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "AWS_ENDPOINT_URL is not set: run the end-to-end tests with `make test`, which starts moto"
    );
    Config {
        table_name: unique("swz-test"),
        bucket_name: unique("swz-test").to_lowercase(),
        jwt_secret: b"end-to-end-test-secret-of-32-bytes!!".to_vec(),
        data_key: [42; 32],
        token_ttl_seconds: 3600,
        login_max_failures: 5,
        login_lock_seconds: 2,
        s3_force_path_style: true,
        s3_public_endpoint: None,
    }
}

/// Starts a server over a fresh table, with a province admin `root` (region 33).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_config()).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    let app = App::from_config(config).await;
    swz_local::prepare(&app).await.expect("preparing table and bucket");
    swz_local::bootstrap::create_admin_if_absent(&app, "root", PASSWORD, "33", "浙江省民政厅")
        .await
        .expect("bootstrapping the first admin");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let service = swz_local::service(app.clone());
    // Table changes reach the notifier as they would deployed (stream → Lambda).
    swz_local::streams::spawn(app.clone());
    tokio::spawn(async move {
        axum::serve(listener, service).await.expect("serving");
    });
    TestApp { base, app, http: reqwest::Client::new() }
}

impl TestApp {
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("sending a request");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("reading the answer");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer { status, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.request(reqwest::Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.request(reqwest::Method::POST, path, Some(token), Some(&body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.request(reqwest::Method::PUT, path, Some(token), Some(&body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.request(reqwest::Method::DELETE, path, Some(token), None).await
    }

    /// Sends raw bytes as a JSON body.
    pub async fn post_raw(&self, path: &str, token: Option<&str>, raw: &str) -> Answer {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(raw.to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sending a request");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        Answer { status, body }
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Answer {
        let body = json!({"username": username, "password": password});
        self.request(reqwest::Method::POST, "/api/auth/login", None, Some(&body)).await
    }

    /// Logs in and answers the token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let session = self.try_login(username, password).await.expect(200);
        session["token"].as_str().expect("a token").to_string()
    }

    /// The bootstrapped province admin's token.
    pub async fn root(&self) -> String {
        self.login("root", PASSWORD).await
    }
}

/// Two counties with a station each, an agency running station A and a second station
/// A2, and admins at province, city and both counties.
pub struct World {
    pub t: TestApp,
    pub province: String,
    pub city: String,
    pub county_a: String,
    pub county_b: String,
    pub agency_id: String,
    pub agency: String,
    pub station_a_id: String,
    pub station_a2_id: String,
    pub station_b_id: String,
    pub station_a: String,
    pub station_a2: String,
    pub station_b: String,
}

pub const CREDIT_CODE: &str = "52330106MJ8800123U";

pub async fn world() -> World {
    let t = spawn_app().await;
    let province = t.root().await;
    for (username, region) in [("city", "3301"), ("county_a", "330106"), ("county_b", "330108")] {
        let body = json!({"username": username, "password": PASSWORD, "display_name": format!("{username}管理员"), "region_code": region});
        t.post("/api/admin/admins", &province, body).await.expect(201);
    }
    let city = t.login("city", PASSWORD).await;
    let county_a = t.login("county_a", PASSWORD).await;
    let county_b = t.login("county_b", PASSWORD).await;

    let agency = t
        .post(
            "/api/admin/agencies",
            &county_a,
            json!({"name": "阳光社工服务中心", "credit_code": CREDIT_CODE, "contact_person": "陈静",
                   "phone": "13905710001", "username": "agency", "password": PASSWORD}),
        )
        .await
        .expect(201);
    let agency_id = agency["id"].as_str().expect("agency id").to_string();

    let station = |name: &str, region: &str, username: &str, agency: Option<&str>| {
        json!({"name": name, "region_code": region, "address": "某街道1号", "contact_person": "王敏",
               "phone": "13905710002", "operation_mode": if agency.is_some() {"purchased"} else {"self_run"},
               "agency_id": agency, "username": username, "password": PASSWORD})
    };
    let a = t
        .post(
            "/api/admin/stations",
            &county_a,
            station("北山街道社工站", "330106001", "station_a", Some(&agency_id)),
        )
        .await
        .expect(201);
    let a2 = t
        .post(
            "/api/admin/stations",
            &county_a,
            station("西溪街道社工站", "330106002", "station_a2", Some(&agency_id)),
        )
        .await
        .expect(201);
    let b = t
        .post(
            "/api/admin/stations",
            &county_b,
            station("西兴街道社工站", "330108001", "station_b", None),
        )
        .await
        .expect(201);

    World {
        agency: t.login("agency", PASSWORD).await,
        station_a: t.login("station_a", PASSWORD).await,
        station_a2: t.login("station_a2", PASSWORD).await,
        station_b: t.login("station_b", PASSWORD).await,
        station_a_id: a["id"].as_str().expect("id").to_string(),
        station_a2_id: a2["id"].as_str().expect("id").to_string(),
        station_b_id: b["id"].as_str().expect("id").to_string(),
        agency_id,
        province,
        city,
        county_a,
        county_b,
        t,
    }
}

/// A valid 18-digit ID number for a birth date and sequence (the check character is
/// computed).
pub fn id_number(region: &str, birth: &str, seq: u32) -> String {
    let body = format!("{region}{birth}{seq:03}");
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

impl TestApp {
    /// PUTs `bytes` to a presigned upload ticket's URL with its headers, as a browser
    /// would (the HTTP client sets Content-Length itself). Answers the status.
    pub async fn upload(&self, ticket: &Value, bytes: &[u8]) -> u16 {
        let url = ticket["upload_url"].as_str().expect("upload_url");
        let mut put = self.http.put(url).body(bytes.to_vec());
        for (name, value) in ticket["upload_headers"].as_object().expect("upload_headers") {
            if !name.eq_ignore_ascii_case("content-length") {
                put = put.header(name.as_str(), value.as_str().expect("a header value"));
            }
        }
        put.send().await.expect("uploading").status().as_u16()
    }
}
