import CSimOpenSSL
import CSimShims

/// Protects outgoing RTP packets with SRTP on libcrypto contexts created once, so protecting a packet allocates
/// nothing: the forwarder's hot path. (libsrtp2 as Debian builds it uses NSS, which allocates about five times per
/// `srtp_protect`.) SRTCP and all unprotecting stay with ``SRTPContext``.
///
/// - `AES_CM_128_HMAC_SHA1_80` (RFC 3711 §3.3, §4.1.1, §4.2): AES-128 counter mode over the payload, then an
///   80-bit HMAC-SHA1 tag over `header ‖ ciphertext ‖ ROC`.
/// - `AEAD_AES_128_GCM` (RFC 7714 §8): AES-128-GCM with the header as associated data and a 16-byte tag.
///
/// Session keys come from the master key with the AES-CM PRF (RFC 3711 §4.3.1, key derivation rate 0; RFC 7714
/// §11 for GCM, whose 12-byte salt is zero-padded as libsrtp does). The packet index (RFC 3711 §3.3.1) is kept
/// per SSRC: the rollover counter is estimated from the highest sequence number sent, as a receiver does
/// (Appendix A, libsrtp's `srtp_index_guess`), so a retransmission of an earlier packet gets its original index and
/// therefore identical bytes (RFC 4588's resend-as-is), and a sequence wrap increments it.
///
/// Not thread-safe: one owner calls it from one thread at a time.
final class SRTPPacketProtector {
    /// The profile this protector was keyed for.
    let profile: SRTPProtectionProfile

    /// Per-SSRC index state (RFC 3711 §3.3.1).
    private struct StreamIndex {
        var ssrc: UInt32
        /// The rollover counter of the highest index sent.
        var rolloverCounter: UInt32
        /// The sequence number of the highest index sent.
        var highestSequence: UInt16
    }

    /// RFC 3711 Appendix A: half the sequence-number space.
    private static let sequenceMedian = 32_768
    /// The SSRCs kept before the oldest is forgotten (a transport carries a few down tracks).
    static let maxStreams = 64

    /// The EVP cipher context keyed with the session encryption key (AES-128-CTR or AES-128-GCM).
    private let cipher: OpaquePointer
    /// The HMAC state keyed with the session authentication key (AES-CM only).
    private let hmac: OpaquePointer?
    /// The session salt, zero-padded to 16 bytes.
    private let salt: UnsafeMutablePointer<UInt8>
    /// Per-packet scratch: IV (16), HMAC digest (20), ROC (4).
    private let scratch: UnsafeMutablePointer<UInt8>
    private var streams: [StreamIndex] = []
    private var lastStream = 0

    /// Derives the session keys and creates the contexts.
    /// - Parameters:
    ///   - profile: the negotiated protection profile.
    ///   - masterKey: master key followed by master salt (`profile.keyLength + profile.saltLength` bytes).
    /// - Throws: `SRTPError.invalidKeyingMaterial` for a wrong length, `.cipherFailed` if libcrypto refuses.
    init(profile: SRTPProtectionProfile, masterKey: [UInt8]) throws(SRTPError) {
        let expected = profile.keyLength + profile.saltLength
        guard masterKey.count == expected else { throw .invalidKeyingMaterial(expected: expected, actual: masterKey.count) }
        self.profile = profile
        salt = .allocate(capacity: 16)
        salt.initialize(repeating: 0, count: 16)
        scratch = .allocate(capacity: 40)
        scratch.initialize(repeating: 0, count: 40)
        streams.reserveCapacity(8)

        let key = Array(masterKey[0..<profile.keyLength])
        let masterSalt = Array(masterKey[profile.keyLength...])
        defer {
            Self.wipe(key)
            Self.wipe(masterSalt)
        }
        // RFC 3711 §4.3.1 labels: 0x00 encryption key, 0x01 authentication key, 0x02 salt.
        guard let sessionKey = Self.derive(masterKey: key, masterSalt: masterSalt, label: 0x00, length: 16),
              let sessionSalt = Self.derive(masterKey: key, masterSalt: masterSalt, label: 0x02, length: profile.saltLength),
              let authKey = profile == .aesCM128HMACSHA1_80 ? Self.derive(masterKey: key, masterSalt: masterSalt, label: 0x01, length: 20) : [],
              let context = EVP_CIPHER_CTX_new()
        else {
            Self.release(salt: salt, scratch: scratch)
            throw .cipherFailed
        }
        defer {
            Self.wipe(sessionKey)
            Self.wipe(sessionSalt)
            Self.wipe(authKey)
        }
        let evpCipher = profile == .aeadAES128GCM ? EVP_aes_128_gcm() : EVP_aes_128_ctr()
        guard EVP_EncryptInit_ex(context, evpCipher, nil, sessionKey, nil) == 1 else {
            EVP_CIPHER_CTX_free(context)
            Self.release(salt: salt, scratch: scratch)
            throw .cipherFailed
        }
        var hmac: OpaquePointer?
        if profile == .aesCM128HMACSHA1_80 {
            hmac = c_sim_hmac_sha1_new(authKey, authKey.count)
            if hmac == nil {
                EVP_CIPHER_CTX_free(context)
                Self.release(salt: salt, scratch: scratch)
                throw .cipherFailed
            }
        }
        for (index, byte) in sessionSalt.enumerated() { salt[index] = byte }
        cipher = context
        self.hmac = hmac
    }

    deinit {
        EVP_CIPHER_CTX_free(cipher)
        c_sim_hmac_sha1_free(hmac)
        Self.release(salt: salt, scratch: scratch)
    }

    /// Encrypts and authenticates an RTP packet in place, appending the tag (reserve
    /// ``SRTPContext/trailerSlack`` bytes of capacity so that needs no reallocation).
    /// - Throws: `.badLength` for a malformed RTP header, `.cipherFailed` if libcrypto fails (the packet is then
    ///   unchanged).
    func protectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        guard let headerLength = SRTPPacketCheck.rtpHeaderLength(packet) else { throw .badLength }
        let sequence = UInt16(packet[2]) << 8 | UInt16(packet[3])
        let ssrc = UInt32(packet[8]) << 24 | UInt32(packet[9]) << 16 | UInt32(packet[10]) << 8 | UInt32(packet[11])
        let payloadLength = packet.count - headerLength
        let tagLength = profile.rtpTagLength
        // Estimate first, commit only once the packet is protected.
        let (rolloverCounter, isNewest) = estimateRolloverCounter(ssrc: ssrc, sequence: sequence)
        packet.append(contentsOf: repeatElement(0, count: tagLength))
        let ok = packet.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            switch profile {
            case .aeadAES128GCM:
                return sealGCM(base, headerLength: headerLength, payloadLength: payloadLength, ssrc: ssrc,
                               rolloverCounter: rolloverCounter, sequence: sequence)
            case .aesCM128HMACSHA1_80:
                return sealCM(base, headerLength: headerLength, payloadLength: payloadLength, ssrc: ssrc,
                              rolloverCounter: rolloverCounter, sequence: sequence)
            }
        }
        guard ok else {
            packet.removeLast(tagLength)
            throw .cipherFailed
        }
        if isNewest { commit(ssrc: ssrc, rolloverCounter: rolloverCounter, sequence: sequence) }
    }

    // MARK: Transforms

    /// RFC 7714 §8.1: IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt; AAD = header; tag after the ciphertext.
    private func sealGCM(_ base: UnsafeMutablePointer<UInt8>, headerLength: Int, payloadLength: Int, ssrc: UInt32,
                         rolloverCounter: UInt32, sequence: UInt16) -> Bool {
        let iv = scratch
        for index in 0..<12 { iv[index] = salt[index] }
        Self.xorBigEndian(ssrc, into: iv + 2, bytes: 4)
        Self.xorBigEndian(rolloverCounter, into: iv + 6, bytes: 4)
        Self.xorBigEndian(UInt32(sequence), into: iv + 10, bytes: 2)
        let payload = base + headerLength
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(cipher, nil, nil, nil, iv) == 1,
              EVP_EncryptUpdate(cipher, nil, &written, base, Int32(headerLength)) == 1,
              EVP_EncryptUpdate(cipher, payload, &written, payload, Int32(payloadLength)) == 1,
              EVP_EncryptFinal_ex(cipher, payload + payloadLength, &written) == 1
        else { return false }
        return EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, Int32(profile.rtpTagLength), payload + payloadLength) == 1
    }

    /// RFC 3711 §4.1.1: IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16); §4.2.1: tag = the first 80 bits of
    /// HMAC-SHA1(k_a, header ‖ ciphertext ‖ ROC).
    private func sealCM(_ base: UnsafeMutablePointer<UInt8>, headerLength: Int, payloadLength: Int, ssrc: UInt32,
                        rolloverCounter: UInt32, sequence: UInt16) -> Bool {
        let iv = scratch
        for index in 0..<16 { iv[index] = salt[index] }
        Self.xorBigEndian(ssrc, into: iv + 4, bytes: 4)
        Self.xorBigEndian(rolloverCounter, into: iv + 8, bytes: 4)
        Self.xorBigEndian(UInt32(sequence), into: iv + 12, bytes: 2)
        let payload = base + headerLength
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(cipher, nil, nil, nil, iv) == 1,
              EVP_EncryptUpdate(cipher, payload, &written, payload, Int32(payloadLength)) == 1
        else { return false }
        let digest = scratch + 16
        let roc = scratch + 36
        for index in 0..<4 { roc[index] = 0 }
        Self.xorBigEndian(rolloverCounter, into: roc, bytes: 4)
        guard c_sim_hmac_sha1_compute(hmac, base, headerLength + payloadLength, roc, 4, digest) == 1 else { return false }
        (payload + payloadLength).update(from: digest, count: profile.rtpTagLength)
        return true
    }

    // MARK: Packet index

    /// The rollover counter for `sequence` on `ssrc` (RFC 3711 Appendix A, as libsrtp's `srtp_rdbx_estimate_index`),
    /// and whether the packet is the newest of its stream.
    private func estimateRolloverCounter(ssrc: UInt32, sequence: UInt16) -> (UInt32, Bool) {
        guard let slot = streamSlot(ssrc) else { return (0, true) }
        let stream = streams[slot]
        let local = Int(stream.highestSequence)
        let current = UInt64(stream.rolloverCounter) << 16 | UInt64(local)
        var guess = stream.rolloverCounter
        // While the index is within the first half cycle the counter is taken as 0 (a guess of -1 would wrap).
        if current > UInt64(Self.sequenceMedian) {
            if local < Self.sequenceMedian {
                if Int(sequence) - local > Self.sequenceMedian { guess = stream.rolloverCounter &- 1 }
            } else if local - Self.sequenceMedian > Int(sequence) {
                guess = stream.rolloverCounter &+ 1
            }
        } else {
            guess = 0
        }
        let index = UInt64(guess) << 16 | UInt64(sequence)
        return (guess, index > current)
    }

    /// Records the newest index of `ssrc`.
    private func commit(ssrc: UInt32, rolloverCounter: UInt32, sequence: UInt16) {
        if let slot = streamSlot(ssrc) {
            streams[slot].rolloverCounter = rolloverCounter
            streams[slot].highestSequence = sequence
            return
        }
        if streams.count >= Self.maxStreams { streams.removeFirst() }
        streams.append(StreamIndex(ssrc: ssrc, rolloverCounter: rolloverCounter, highestSequence: sequence))
        lastStream = streams.count - 1
    }

    /// The slot of `ssrc`, checking the last one used first.
    private func streamSlot(_ ssrc: UInt32) -> Int? {
        if lastStream < streams.count, streams[lastStream].ssrc == ssrc { return lastStream }
        guard let slot = streams.firstIndex(where: { $0.ssrc == ssrc }) else { return nil }
        lastStream = slot
        return slot
    }

    // MARK: Keys

    /// RFC 3711 §4.3.1 (kdr 0, so r = 0): AES-CM keystream under the master key from IV = (label at byte 7 XOR
    /// master salt, zero-padded to 14 bytes) · 2^16; `nil` if libcrypto fails.
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) -> [UInt8]? {
        var iv = [UInt8](repeating: 0, count: 16)
        for (index, byte) in masterSalt.prefix(14).enumerated() { iv[index] = byte }
        iv[7] ^= label
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: length)
        let zeros = [UInt8](repeating: 0, count: length)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, masterKey, iv) == 1,
              EVP_EncryptUpdate(context, &output, &written, zeros, Int32(length)) == 1, Int(written) == length
        else { return nil }
        return output
    }

    private static func xorBigEndian(_ value: UInt32, into pointer: UnsafeMutablePointer<UInt8>, bytes: Int) {
        for index in 0..<bytes {
            pointer[index] ^= UInt8(truncatingIfNeeded: value >> (8 * UInt32(bytes - 1 - index)))
        }
    }

    /// Zeroes key material in place (best effort: the array's one buffer, not copies the optimiser made).
    private static func wipe(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            OPENSSL_cleanse(UnsafeMutableRawPointer(mutating: base), buffer.count)
        }
    }

    private static func release(salt: UnsafeMutablePointer<UInt8>, scratch: UnsafeMutablePointer<UInt8>) {
        salt.update(repeating: 0, count: 16)
        scratch.update(repeating: 0, count: 40)
        salt.deallocate()
        scratch.deallocate()
    }
}
