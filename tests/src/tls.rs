//! An HTTPS front for a stand-in, so `https://{domain}` and `https://{brand_host}` templates can
//! point at 127.0.0.1 unchanged.
//!
//! The front terminates TLS with a test-only certificate for `127.0.0.1` and `localhost`
//! (`tests/fixtures/tls`) and pipes the plain bytes to the stand-in's HTTP listener. Clients trust
//! it through [`trusting`] and nowhere else.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// The test CA that signed the front's certificate.
const CA_PEM: &[u8] = include_bytes!("../fixtures/tls/ca.pem");
const CERT_PEM: &[u8] = include_bytes!("../fixtures/tls/localhost.pem");
const KEY_PEM: &[u8] = include_bytes!("../fixtures/tls/localhost.key");

/// Adds the test CA to a client's trusted roots (for `.http_client(..)` of a generated client),
/// beside the platform's: reqwest's platform verifier checks the front as it would any server.
pub fn trusting(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    let ca = reqwest::Certificate::from_pem(CA_PEM).expect("the test CA is a PEM certificate");
    builder.tls_certs_merge([ca])
}

/// A TLS listener on 127.0.0.1 forwarding every connection to `backend`; stops when dropped.
#[derive(Debug)]
pub struct TlsFront {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl TlsFront {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start(backend: SocketAddr) -> TlsFront {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the TLS front");
        let addr = listener.local_addr().expect("the TLS front's address");
        let acceptor = TlsAcceptor::from(Arc::new(server_config()));
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        TlsFront { addr, task }
    }

    /// `127.0.0.1:<port>`: a host with a port, as tenant domains sometimes are.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn server_config() -> ServerConfig {
    let chain = CertificateDer::pem_slice_iter(CERT_PEM)
        .collect::<Result<Vec<_>, _>>()
        .expect("the test certificate is PEM");
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM).expect("the test key is a PKCS#8 PEM key");
    ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("the test key matches the test certificate")
}
