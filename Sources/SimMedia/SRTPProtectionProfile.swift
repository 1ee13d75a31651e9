/// An SRTP protection profile negotiated by DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2).
public enum SRTPProtectionProfile: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `SRTP_AES128_CM_HMAC_SHA1_80` (RFC 3711): AES-128 counter mode, 80-bit HMAC-SHA1 tag.
    case aesCM128HMACSHA1_80
    /// `SRTP_AEAD_AES_128_GCM` (RFC 7714): AES-128-GCM with a 16-byte tag.
    case aeadAES128GCM

    /// The DTLS-SRTP profile id carried in the `use_srtp` extension.
    public var dtlsProfileID: UInt16 {
        switch self {
        case .aesCM128HMACSHA1_80: 0x0001  // RFC 5764 §4.1.2
        case .aeadAES128GCM: 0x0007  // RFC 7714 §14.2
        }
    }

    /// The profile's name as OpenSSL's `SSL_CTX_set_tlsext_use_srtp` spells it.
    public var dtlsProfileName: String {
        switch self {
        case .aesCM128HMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        }
    }

    /// The profile with DTLS-SRTP id `id`, or `nil` for a profile we do not speak.
    public init?(dtlsProfileID id: UInt16) {
        guard let profile = Self.allCases.first(where: { $0.dtlsProfileID == id }) else { return nil }
        self = profile
    }

    /// Master key length in bytes (16 for both).
    public var keyLength: Int { 16 }

    /// Master salt length in bytes: 14 for AES-CM (RFC 3711 §8.2), 12 for AEAD (RFC 7714 §8.1).
    public var saltLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 14
        case .aeadAES128GCM: 12
        }
    }

    /// Bytes of DTLS exporter output the profile needs: `2 × (key + salt)` (60 or 56).
    public var keyingMaterialLength: Int { 2 * (keyLength + saltLength) }

    /// Bytes the SRTP authentication tag adds to each protected RTP packet (10 or 16).
    public var rtpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 10
        case .aeadAES128GCM: 16
        }
    }

    /// The DTLS-SRTP profile name.
    public var description: String { dtlsProfileName }
}
