//! TLS for the tail WebSocket, from the same settings as the HTTP client
//! (`--ca-cert`, `--cert`/`--key`, `--tls-skip-verify`): reqwest keeps its
//! rustls configuration to itself, so it is built again here, with the same
//! roots (webpki-roots) and the same crypto provider (ring).

use super::{LokiError, LokiSpec};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

pub(super) fn client_config(spec: &LokiSpec) -> Result<Arc<ClientConfig>, LokiError> {
    let setup = |m: String| LokiError::Setup(m);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| setup(format!("cannot set up TLS: {e}")))?;
    let builder = if spec.skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(
                provider.signature_verification_algorithms,
            )))
    } else {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(ca) = &spec.ca_cert {
            let certs = CertificateDer::pem_file_iter(ca)
                .map_err(|e| setup(format!("cannot read the CA file {}: {e}", ca.display())))?;
            for c in certs {
                let c = c.map_err(|e| {
                    setup(format!("{} is not a PEM certificate: {e}", ca.display()))
                })?;
                roots
                    .add(c)
                    .map_err(|e| setup(format!("{} is not a usable CA: {e}", ca.display())))?;
            }
        }
        builder.with_root_certificates(roots)
    };
    let config = match (&spec.cert, &spec.key) {
        (Some(c), Some(k)) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(c)
                .and_then(|i| i.collect())
                .map_err(|e| {
                    setup(format!(
                        "cannot read the client certificate {}: {e}",
                        c.display()
                    ))
                })?;
            let key = PrivateKeyDer::from_pem_file(k)
                .map_err(|e| setup(format!("cannot read the client key {}: {e}", k.display())))?;
            builder.with_client_auth_cert(certs, key).map_err(|e| {
                setup(format!(
                    "the client certificate {} and key {} do not make an identity: {e}",
                    c.display(),
                    k.display()
                ))
            })?
        }
        _ => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// `--tls-skip-verify`: any certificate, but signatures still checked.
#[derive(Debug)]
struct NoVerify(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
