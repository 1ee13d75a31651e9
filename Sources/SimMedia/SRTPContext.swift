import CSimSRTP

/// One libsrtp session (`srtp_t`) that either protects outgoing or unprotects incoming RTP and RTCP.
///
/// Works in place on the caller's buffer: `protect…` grows it by the trailer (reserve
/// ``SRTPContext/trailerSlack`` bytes of capacity to avoid a reallocation), `unprotect…` shrinks it.
///
/// Not thread-safe (libsrtp's `srtp_t` is not): exactly one owner, which calls it from one thread at a time.
/// The policy matches any SSRC (`ssrc_any_inbound` / `ssrc_any_outbound`), so one context serves all of a
/// transport's streams in one direction.
public final class SRTPContext {
    /// The direction a context works in.
    public enum Direction: Sendable, Hashable {
        /// Unprotects packets received from the peer (keyed with the remote master key).
        case inbound
        /// Protects packets sent to the peer (keyed with the local master key).
        case outbound
    }

    /// Bytes libsrtp may append when protecting: `SRTP_MAX_TRAILER_LEN` (tag 16 + MKI 128) plus 4 for the
    /// SRTCP index.
    public static let trailerSlack = 144 + 4

    /// Default replay window in packets (libwebrtc's choice; libsrtp's own default is 128).
    public static let defaultReplayWindow = 1024

    /// The profile this context was keyed for.
    public let profile: SRTPProtectionProfile
    /// The direction this context works in.
    public let direction: Direction
    private let session: srtp_t

    /// Creates a context.
    /// - Parameters:
    ///   - profile: the negotiated protection profile.
    ///   - masterKey: master key followed by master salt (`profile.keyLength + profile.saltLength` bytes).
    ///   - direction: inbound (unprotect) or outbound (protect).
    ///   - replayWindow: replay window size in packets (64…32768).
    ///   - allowRepeatTransmission: allow protecting the same RTP index twice (retransmissions that resend
    ///     identical payloads); off by default, as RFC 3711 §9.1 recommends.
    /// - Throws: `SRTPError.invalidKeyingMaterial` for a wrong key length, `.library` if libsrtp refuses.
    public init(
        profile: SRTPProtectionProfile,
        masterKey: [UInt8],
        direction: Direction,
        replayWindow: Int = SRTPContext.defaultReplayWindow,
        allowRepeatTransmission: Bool = false
    ) throws(SRTPError) {
        let expected = profile.keyLength + profile.saltLength
        guard masterKey.count == expected else {
            throw .invalidKeyingMaterial(expected: expected, actual: masterKey.count)
        }
        try SRTPLibrary.initializeOnce()

        var policy = srtp_policy_t()
        switch profile {
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)  // AES_CM_128_HMAC_SHA1_80
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = direction == .inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = UInt(max(64, min(replayWindow, 0x8000)))
        policy.allow_repeat_tx = allowRepeatTransmission ? 1 : 0

        var key = masterKey
        var created: srtp_t?
        let status = key.withUnsafeMutableBufferPointer { buffer in
            policy.key = buffer.baseAddress
            return srtp_create(&created, &policy)
        }
        // libsrtp copies the key into its own session keys; wipe ours.
        for index in key.indices { key[index] = 0 }
        guard status == srtp_err_status_ok, let created else { throw .library(status: Int32(status.rawValue)) }
        self.profile = profile
        self.direction = direction
        self.session = created
    }

    /// An outbound context keyed with `keying`'s local master key.
    public convenience init(outbound keying: SRTPKeyingMaterial) throws(SRTPError) {
        try self.init(profile: keying.profile, masterKey: keying.localMasterKey, direction: .outbound)
    }

    /// An inbound context keyed with `keying`'s remote master key.
    public convenience init(inbound keying: SRTPKeyingMaterial) throws(SRTPError) {
        try self.init(profile: keying.profile, masterKey: keying.remoteMasterKey, direction: .inbound)
    }

    deinit {
        srtp_dealloc(session)
    }

    /// Encrypts and authenticates an RTP packet in place (RFC 3711 §3.3).
    /// - Throws: `.badLength` for a malformed RTP header, `.replayed` when this RTP index (SSRC, ROC and
    ///   sequence number) was already protected and repeat transmission is off, `.library` otherwise.
    public func protectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        guard SRTPPacketCheck.rtpHeaderLength(packet) != nil else { throw .badLength }
        try transform(&packet, grows: true) { session, pointer, length in srtp_protect(session, pointer, length) }
    }

    /// Authenticates and decrypts an SRTP packet in place.
    /// - Throws: `.authenticationFailed`, `.replayed`, `.badLength`, or `.library`.
    public func unprotectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        guard let header = SRTPPacketCheck.rtpHeaderLength(packet), packet.count >= header + profile.rtpTagLength
        else { throw .badLength }
        try transform(&packet, grows: false) { session, pointer, length in srtp_unprotect(session, pointer, length) }
    }

    /// Encrypts and authenticates an RTCP compound packet in place (RFC 3711 §3.4).
    /// - Throws: `.badLength` for fewer than 8 bytes, `.library` for other libsrtp failures.
    public func protectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        guard SRTPPacketCheck.isPlausibleRTCP(packet, minimumLength: 8) else { throw .badLength }
        try transform(&packet, grows: true) { session, pointer, length in srtp_protect_rtcp(session, pointer, length) }
    }

    /// Authenticates and decrypts an SRTCP packet in place.
    /// - Throws: `.authenticationFailed`, `.replayed`, `.badLength`, or `.library`.
    public func unprotectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        // Header (8) + E flag and SRTCP index (4) + tag.
        guard SRTPPacketCheck.isPlausibleRTCP(packet, minimumLength: 8 + 4 + profile.rtpTagLength) else {
            throw .badLength
        }
        try transform(&packet, grows: false) { session, pointer, length in
            srtp_unprotect_rtcp(session, pointer, length)
        }
    }

    private func transform(
        _ packet: inout [UInt8],
        grows: Bool,
        _ operation: (srtp_t, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) {
        guard packet.count <= Int(Int32.max) - Self.trailerSlack else { throw .badLength }
        let originalCount = packet.count
        if grows { packet.append(contentsOf: repeatElement(0, count: Self.trailerSlack)) }
        var length = Int32(originalCount)
        let status = packet.withUnsafeMutableBytes { bytes in
            guard let base = bytes.baseAddress else { return srtp_err_status_bad_param }
            return operation(session, base, &length)
        }
        guard status == srtp_err_status_ok else {
            if grows { packet.removeLast(Self.trailerSlack) }
            throw SRTPError(status: status)
        }
        let newCount = Int(length)
        guard newCount >= 0, newCount <= packet.count else { throw .library(status: Int32(status.rawValue)) }
        packet.removeLast(packet.count - newCount)
    }
}

extension SRTPError {
    /// Maps a libsrtp status to the typed error.
    init(status: srtp_err_status_t) {
        switch status {
        case srtp_err_status_auth_fail: self = .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: self = .replayed
        case srtp_err_status_bad_param, srtp_err_status_parse_err: self = .badLength
        default: self = .library(status: Int32(status.rawValue))
        }
    }
}

/// libsrtp's global initialisation (`srtp_init`), run once per process.
enum SRTPLibrary {
    // Swift runs a static initialiser exactly once, thread-safely. `MediaLibraries.initializeOnce()` also calls
    // `srtp_init`; libsrtp treats a second call as a self-test re-run.
    private static let status: Int32 = Int32(srtp_init().rawValue)

    /// Initialises libsrtp once; later calls are free.
    static func initializeOnce() throws(SRTPError) {
        if status != 0 { throw .library(status: status) }
    }
}

/// Header sanity checks done before handing peer bytes to libsrtp, so malformed input fails with `.badLength`.
enum SRTPPacketCheck {
    /// The RTP header length (fixed header, CSRCs and extension; RFC 3550 §5.1, §5.3.1), or `nil` if the packet
    /// is not version 2 or the header runs past its end.
    static func rtpHeaderLength(_ packet: [UInt8]) -> Int? {
        guard packet.count >= 12, packet[0] >> 6 == 2 else { return nil }
        var length = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard packet.count >= length + 4 else { return nil }
            let words = Int(packet[length + 2]) << 8 | Int(packet[length + 3])
            length += 4 + 4 * words
        }
        return length <= packet.count ? length : nil
    }

    /// Whether `packet` is at least `minimumLength` bytes and starts like RTCP version 2.
    static func isPlausibleRTCP(_ packet: [UInt8], minimumLength: Int) -> Bool {
        packet.count >= minimumLength && packet[0] >> 6 == 2
    }
}
