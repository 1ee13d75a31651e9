import CSimOpenSSL
import CSimShims

/// A self-signed ECDSA P-256 certificate and its private key, generated in process, for DTLS-SRTP.
///
/// Immutable after creation and safe to share between DTLS state machines on different threads: each state
/// machine's `SSL_CTX` takes its own reference to the OpenSSL objects, which are only read.
public final class DTLSCertificate: @unchecked Sendable {
    /// The certificate's SHA-256 fingerprint, for the SDP `a=fingerprint:sha-256` line.
    public let fingerprint: DTLSFingerprint
    /// The `X509 *` (owned: one reference, freed in `deinit`).
    let x509: OpaquePointer
    /// The `EVP_PKEY *` (owned: one reference, freed in `deinit`).
    let privateKey: OpaquePointer

    /// Generates a fresh key and certificate.
    /// - Parameters:
    ///   - commonName: the subject and issuer CN.
    ///   - validityDays: days the certificate stays valid (it is backdated by one day for clock skew).
    /// - Throws: `DTLSError.setupFailed` if OpenSSL cannot generate them.
    public init(commonName: String = "sfusim", validityDays: Int = 30) throws(DTLSError) {
        var key: OpaquePointer?
        var cert: OpaquePointer?
        let days = Int32(clamping: validityDays)
        guard c_sim_openssl_generate_self_signed(commonName, days, &key, &cert) == 1, let key, let cert else {
            throw .setupFailed(OpenSSLErrorQueue.drain(default: "certificate generation failed"))
        }
        guard let fingerprint = DTLSCertificate.sha256Fingerprint(of: cert) else {
            X509_free(cert)
            EVP_PKEY_free(key)
            throw .setupFailed(OpenSSLErrorQueue.drain(default: "X509_digest failed"))
        }
        self.x509 = cert
        self.privateKey = key
        self.fingerprint = fingerprint
    }

    deinit {
        X509_free(x509)
        EVP_PKEY_free(privateKey)
    }

    /// The SHA-256 digest of the DER certificate (`X509_digest`), or `nil` if OpenSSL fails.
    static func sha256Fingerprint(of certificate: OpaquePointer) -> DTLSFingerprint? {
        var digest = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { return nil }
        return DTLSFingerprint(bytes: Array(digest.prefix(Int(length))))
    }
}

/// Reads OpenSSL's thread-local error queue into a message.
enum OpenSSLErrorQueue {
    /// Empties the queue; returns the first error's text, or `default` if it was empty.
    static func drain(default fallback: String) -> String {
        var message: String?
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if message == nil {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return message ?? fallback
    }
}
