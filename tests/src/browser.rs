//! The user's browser: opens an authorization URL, lets the provider sign the user in and ask
//! for consent (the stand-ins approve at once), and reports where the provider sent it back.

use url::Url;

/// A browser that does not follow redirects, so the test sees the callback URL; it trusts the
/// stand-ins' HTTPS front.
#[derive(Debug, Clone)]
pub struct Browser {
    http: reqwest::Client,
}

impl Default for Browser {
    fn default() -> Self {
        let builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        Browser {
            http: crate::tls::trusting(builder).build().expect("a browser"),
        }
    }
}

impl Browser {
    /// A fresh browser.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `authorization_url` and returns the URL the provider redirected the browser to:
    /// the client's callback, with `code` and `state` (or `error`), or the implicit grant's fragment.
    ///
    /// # Panics
    /// When the provider does not redirect (it showed an error page instead): the page is in the message.
    pub async fn authorize(&self, authorization_url: &Url) -> String {
        let response = self
            .http
            .get(authorization_url.clone())
            .send()
            .await
            .expect("the authorization endpoint answers");
        let status = response.status();
        match response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
        {
            Some(location) if status.is_redirection() => location.to_owned(),
            _ => panic!(
                "the provider showed a page instead of redirecting: {status} {}",
                response.text().await.unwrap_or_default()
            ),
        }
    }

    /// Opens `authorization_url` and returns the error page the provider showed instead of
    /// redirecting (what it does when the client or redirect URI is unknown).
    ///
    /// # Panics
    /// When the provider redirected.
    pub async fn error_page(&self, authorization_url: &Url) -> (u16, String) {
        let response = self
            .http
            .get(authorization_url.clone())
            .send()
            .await
            .expect("the authorization endpoint answers");
        let status = response.status();
        assert!(
            !status.is_redirection(),
            "expected an error page, got a redirect to {:?}",
            response.headers().get("location")
        );
        (status.as_u16(), response.text().await.unwrap_or_default())
    }
}
