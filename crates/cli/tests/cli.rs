//! The `provider` binary as a user runs it, against the local stand-ins of SMS.CX (client
//! credentials over plain HTTP on loopback) and CloudCX (the password grant over HTTPS with the
//! test certificate authority). No test needs a terminal: secrets come from the environment or
//! standard input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use e2e::cloudcx::{CloudCx, CLIENT_ID, EMAIL, PASSWORD};
use e2e::sms_cx::{SmsCx, APPLICATION_ID, APPLICATION_SECRET};
use serde_json::Value;

/// The repository root: `sms_cx` names `specs/sms_cx.yaml` from there.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One run of `provider args...` with a private config directory, `env` set and `stdin` piped in.
async fn provider(config: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_provider"));
    command
        .current_dir(root())
        .args(args)
        .env("PROVIDER_CONFIG_DIR", config)
        .env_remove("PROVIDER_CA_CERT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars() {
        if name.starts_with("SMS_CX_") || name.starts_with("CLOUDCX_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    let stdin = stdin.to_owned();
    // The stand-ins run on this test's runtime: wait for the process on another thread.
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("start provider");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
        child.wait_with_output().expect("run provider")
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit code, showing what the tool said when it differs.
#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

const SMS_CX_ENV: [(&str, &str); 2] = [
    ("SMS_CX_CLIENT_ID", APPLICATION_ID),
    ("SMS_CX_CLIENT_SECRET", APPLICATION_SECRET),
];

/// `provider login sms_cx` against the stand-in, with client credentials from the environment
/// and `extra` arguments.
async fn login_sms_cx(config: &Path, sms_cx: &SmsCx, extra: &[&str]) -> Output {
    let (api, token_url) = (sms_cx.api_url(), sms_cx.token_url());
    let mut args = vec![
        "login",
        "sms_cx",
        "--base-url",
        &api,
        "--token-url",
        &token_url,
    ];
    args.extend_from_slice(extra);
    provider(config, &args, &SMS_CX_ENV, "").await
}

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_login_then_token_call_request_status_and_logout() {
    let sms_cx = SmsCx::start().await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    let login = login_sms_cx(
        config,
        &sms_cx,
        &["--scope", "account", "--scope", "reports"],
    )
    .await;
    assert_exit(&login, 0);
    assert!(text(&login.stderr).contains("Logged in to SMS.CX"));
    assert!(!text(&login.stderr).contains(APPLICATION_SECRET));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["default.json", "default.token.json"] {
            let mode = std::fs::metadata(config.join("sms_cx").join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    // Later commands need neither the environment nor the endpoint options again.
    let token = provider(config, &["token", "sms_cx"], &[], "").await;
    assert_exit(&token, 0);
    let access_token = text(&token.stdout).trim().to_owned();
    assert!(access_token.starts_with("smscx-"), "{access_token}");
    let header = provider(config, &["token", "sms_cx", "--header"], &[], "").await;
    assert_eq!(
        text(&header.stdout).trim(),
        format!("Authorization: Bearer {access_token}")
    );
    let json = provider(config, &["token", "sms_cx", "--json"], &[], "").await;
    assert_exit(&json, 0);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["scopes"], serde_json::json!(["account", "reports"]));
    assert!(json["expires_in"].as_u64().unwrap() > 0);
    assert!(
        json.get("access_token").is_none(),
        "secrets only when asked: {json}"
    );
    let shown = provider(
        config,
        &["token", "sms_cx", "--json", "--show-secrets"],
        &[],
        "",
    )
    .await;
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["access_token"], access_token.as_str());
    assert_eq!(sms_cx.token_requests(), 1, "the stored token is reused");

    let balance = provider(config, &["call", "sms_cx", "get_balance"], &[], "").await;
    assert_exit(&balance, 0);
    assert!(text(&balance.stderr).contains("HTTP 200 OK"));
    let body: Value = serde_json::from_slice(&balance.stdout).unwrap();
    assert!(body["balance"].is_number(), "{body}");
    assert!(
        text(&balance.stdout).contains("\n  \""),
        "pretty-printed: {}",
        text(&balance.stdout)
    );

    let escape = provider(
        config,
        &["request", "sms_cx", "GET", "/account/balance"],
        &[],
        "",
    )
    .await;
    assert_exit(&escape, 0);
    assert_eq!(
        serde_json::from_slice::<Value>(&escape.stdout).unwrap(),
        body
    );

    // A scope the token lacks is refused before anything is sent.
    let groups = provider(config, &["call", "sms_cx", "list_groups"], &[], "").await;
    assert_exit(&groups, 1);
    assert!(
        text(&groups.stderr).contains("scope `groups`"),
        "{}",
        text(&groups.stderr)
    );

    let status = provider(config, &["status"], &[], "").await;
    assert_exit(&status, 0);
    let status = text(&status.stdout);
    assert!(
        status.contains("sms_cx  default  SMS.CX  oauth2 (client_credentials)"),
        "{status}"
    );
    assert!(status.contains("scopes: account reports"), "{status}");
    assert!(!status.contains(&access_token));

    let logout = provider(config, &["logout", "sms_cx"], &[], "").await;
    assert_exit(&logout, 0);
    assert!(!config.join("sms_cx").join("default.token.json").exists());
    let after = provider(config, &["token", "sms_cx"], &[], "").await;
    assert_exit(&after, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn call_fills_path_parameters_and_refuses_bad_input() {
    let sms_cx = SmsCx::start().await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    let login = login_sms_cx(config, &sms_cx, &[]).await;
    assert_exit(&login, 0);

    let created = provider(
        config,
        &[
            "call",
            "sms_cx",
            "create_group",
            "--body",
            r#"{"name": "VIP"}"#,
        ],
        &[],
        "",
    )
    .await;
    assert_exit(&created, 0);
    let id = serde_json::from_slice::<Value>(&created.stdout).unwrap()["info"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = provider(
        config,
        &[
            "call",
            "sms_cx",
            "get_group",
            "--param",
            &format!("groupId={id}"),
            "--query",
            "limit=5",
        ],
        &[],
        "",
    )
    .await;
    // The stand-in serves no single group: what matters is where the call went.
    assert_exit(&group, 1);
    assert!(text(&group.stderr).contains("404 Not Found from the provider"));
    let sent = &sms_cx.server().requests_to(&format!("/groups/{id}")).await[0];
    assert_eq!(sent.url.query(), Some("limit=5"));

    let unknown = provider(config, &["call", "sms_cx", "get_balanse"], &[], "").await;
    assert_exit(&unknown, 2);
    assert!(text(&unknown.stderr).contains("no operation `get_balanse`"));
    let missing = provider(config, &["call", "sms_cx", "get_group"], &[], "").await;
    assert_exit(&missing, 2);
    assert!(
        text(&missing.stderr).contains("--param groupId=VALUE"),
        "{}",
        text(&missing.stderr)
    );
    let no_body = provider(config, &["call", "sms_cx", "create_group"], &[], "").await;
    assert_exit(&no_body, 2);
    let not_found = provider(config, &["request", "sms_cx", "GET", "/nothing"], &[], "").await;
    assert_exit(&not_found, 1);
    assert!(
        text(&not_found.stderr).contains("404"),
        "{}",
        text(&not_found.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn calling_without_login_exits_3_naming_the_login_command() {
    let config = tempfile::tempdir().unwrap();
    let call = provider(config.path(), &["call", "sms_cx", "get_balance"], &[], "").await;
    assert_exit(&call, 3);
    let stderr = text(&call.stderr);
    assert!(stderr.contains("not logged in to SMS.CX"), "{stderr}");
    assert!(stderr.contains("provider login sms_cx"), "{stderr}");
    let other = provider(
        config.path(),
        &["token", "sms_cx", "--connection", "work"],
        &[],
        "",
    )
    .await;
    assert!(text(&other.stderr).contains("provider login sms_cx --connection work"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_without_its_credentials_is_a_usage_error_naming_the_variable() {
    let config = tempfile::tempdir().unwrap();
    let login = provider(config.path(), &["login", "sms_cx"], &[], "").await;
    assert_exit(&login, 2);
    assert!(
        text(&login.stderr).contains("SMS_CX_CLIENT_ID"),
        "{}",
        text(&login.stderr)
    );
    let status = provider(config.path(), &["status"], &[], "").await;
    assert!(text(&status.stdout).contains("No logins stored"));
}

#[tokio::test(flavor = "multi_thread")]
async fn ops_lists_methods_paths_parameters_and_scopes() {
    let config = tempfile::tempdir().unwrap();
    let ops = provider(config.path(), &["ops", "sms_cx"], &[], "").await;
    assert_exit(&ops, 0);
    let ops = text(&ops.stdout);
    assert!(
        ops.contains("get_report            GET    /reports/single/{msgId}"),
        "{ops}"
    );
    assert!(ops.contains("path: msgId; scopes: reports"), "{ops}");
    assert!(
        ops.contains("query: short_response? limit? next? previous?; scopes: groups"),
        "{ops}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_spec_exits_4_with_its_located_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("acme.yaml");
    std::fs::write(
        &spec,
        "name: acme\ntitle: Acme\nbase_url: https://acme.example\noperatons: {}\n",
    )
    .unwrap();
    let ops = provider(dir.path(), &["ops", spec.to_str().unwrap()], &[], "").await;
    assert_exit(&ops, 4);
    let stderr = text(&ops.stderr);
    assert!(
        stderr.contains("unknown key `operatons`") && stderr.contains(":4:1"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_login_over_https_with_the_password_on_standard_input() {
    let cloudcx = CloudCx::start().await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path();
    let ca = root().join("tests/fixtures/tls/ca.pem");
    let domain = format!("domain={}", cloudcx.domain());
    let login = provider(
        config,
        &[
            "login",
            "cloudcx",
            "--var",
            &domain,
            "--ca-cert",
            ca.to_str().unwrap(),
            "--username",
            EMAIL,
            "--password-stdin",
        ],
        &[("CLOUDCX_CLIENT_ID", CLIENT_ID)],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert_exit(&login, 0);
    let stored = std::fs::read_to_string(config.join("cloudcx/default.json")).unwrap();
    assert!(!stored.contains(PASSWORD), "the password is never stored");

    let echoed = provider(
        config,
        &[
            "request",
            "cloudcx",
            "POST",
            "/api/contacts",
            "--query",
            "page=2",
            "--body",
            "-",
        ],
        &[],
        r#"{"name": "Ada"}"#,
    )
    .await;
    assert_exit(&echoed, 0);
    let echoed: Value = serde_json::from_slice(&echoed.stdout).unwrap();
    assert_eq!(echoed["user"], EMAIL);
    assert_eq!(echoed["query"], "page=2");
    assert_eq!(echoed["body"]["name"], "Ada");

    let wrong = provider(
        config,
        &[
            "login",
            "cloudcx",
            "--connection",
            "wrong",
            "--var",
            &domain,
            "--ca-cert",
            ca.to_str().unwrap(),
            "--username",
            EMAIL,
            "--password-stdin",
        ],
        &[("CLOUDCX_CLIENT_ID", CLIENT_ID)],
        "not the password\n",
    )
    .await;
    assert_exit(&wrong, 1);
    assert!(
        text(&wrong.stderr).contains("invalid_grant"),
        "{}",
        text(&wrong.stderr)
    );
    assert!(
        !config.join("cloudcx/wrong.json").exists(),
        "a failed login leaves nothing"
    );
}
