import CSimNice
import CSimOpenSSL
import CSimShims
import CSimSRTP
import Foundation

/// The media C libraries (libnice, OpenSSL, libsrtp2): one-time initialisation and version facts.
///
/// This is the only Swift code that touches them; everything else sees `SimMedia` types.
public enum MediaLibraries {
    /// An error from initialising a media library.
    public enum InitializationError: Error, Equatable {
        /// `srtp_init()` returned a non-zero `srtp_err_status_t`.
        case srtp(status: Int32)
        /// The libnice probe could not create an agent or stream.
        case nice
        /// OpenSSL could not build a DTLS-SRTP context.
        case openSSL
    }

    /// Versions of the linked libraries that report one (libnice has no runtime version call), as they report themselves.
    public struct Versions: Sendable, Equatable {
        /// OpenSSL, e.g. `OpenSSL 3.0.19 …`.
        public var openSSL: String
        /// libsrtp, e.g. `libsrtp2 2.5.0`.
        public var srtp: String
    }

    /// Initialises libsrtp once (later calls are free) and checks libnice and OpenSSL can be driven.
    /// libsrtp's one `srtp_init` lives in `SRTPLibrary`: two initialisers racing under parallel tests corrupt it.
    public static func initializeOnce() throws(InitializationError) {
        do {
            try SRTPLibrary.initializeOnce()
        } catch {
            if case .library(let status) = error { throw .srtp(status: status) }
            throw .srtp(status: -1)
        }
        if c_sim_nice_probe() == 0 { throw .nice }
        if c_sim_openssl_dtls_probe() != 1 { throw .openSSL }
    }

    /// The versions of the linked libraries.
    public static var versions: Versions {
        Versions(
            openSSL: String(cString: c_sim_openssl_version()),
            srtp: String(cString: srtp_get_version_string())
        )
    }
}
