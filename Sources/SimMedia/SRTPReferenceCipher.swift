import CSimOpenSSL

/// A straight-line RFC 3711 AES-CM/HMAC-SHA1 transform built on OpenSSL's libcrypto, independent of libsrtp.
///
/// Slow (one EVP call per block) and for checking only: the spec-vector tests use it to verify that
/// ``SRTPContext`` (libsrtp, NSS-backed on Debian) produces the packets RFC 3711 defines.
enum SRTPReferenceCipher {
    /// Session keys derived from a master key (RFC 3711 §4.3.1, key derivation rate 0, index 0).
    struct SessionKeys: Equatable {
        /// The session encryption key `k_e` (label 0x00).
        var cipherKey: [UInt8]
        /// The session authentication key `k_a` (label 0x01), 160 bits for HMAC-SHA1.
        var authKey: [UInt8]
        /// The session salt `k_s` (label 0x02), 112 bits.
        var salt: [UInt8]
    }

    /// AES-128 in counter mode (RFC 3711 §4.1.1): the keystream for `length` bytes from the 16-byte `iv`,
    /// incrementing its low 16 bits per block. `nil` if libcrypto fails.
    static func aesCMKeystream(key: [UInt8], iv: [UInt8], length: Int) -> [UInt8]? {
        guard key.count == 16, iv.count == 16, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ecb(), nil, key, nil) == 1 else { return nil }
        _ = EVP_CIPHER_CTX_set_padding(context, 0)
        var stream: [UInt8] = []
        stream.reserveCapacity(length + 16)
        var counter = iv
        var block = [UInt8](repeating: 0, count: 32)
        while stream.count < length {
            var written: Int32 = 0
            guard EVP_EncryptUpdate(context, &block, &written, counter, 16) == 1, written == 16 else { return nil }
            stream.append(contentsOf: block[0..<16])
            let next = (UInt16(counter[14]) << 8 | UInt16(counter[15])) &+ 1
            counter[14] = UInt8(next >> 8)
            counter[15] = UInt8(next & 0xFF)
        }
        return Array(stream.prefix(length))
    }

    /// Derives the session keys (RFC 3711 §4.3.1 with `kdr = 0`, so `r = 0`).
    static func deriveSessionKeys(masterKey: [UInt8], masterSalt: [UInt8]) -> SessionKeys? {
        guard masterSalt.count == 14 else { return nil }
        func derive(label: UInt8, length: Int) -> [UInt8]? {
            // x = (label || r) XOR master_salt, key_id right-aligned in the 112-bit salt; IV = x * 2^16.
            var iv = masterSalt + [0, 0]
            iv[7] ^= label
            return aesCMKeystream(key: masterKey, iv: iv, length: length)
        }
        guard let cipherKey = derive(label: 0x00, length: 16),
            let authKey = derive(label: 0x01, length: 20),
            let salt = derive(label: 0x02, length: 14)
        else { return nil }
        return SessionKeys(cipherKey: cipherKey, authKey: authKey, salt: salt)
    }

    /// HMAC-SHA1 of `data` under `key` (RFC 2104).
    static func hmacSHA1(key: [UInt8], data: [UInt8]) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        guard HMAC(EVP_sha1(), key, Int32(key.count), data, data.count, &digest, &length) != nil, length == 20
        else { return nil }
        return digest
    }

    /// Protects an RTP packet without CSRCs or extension as `AES_CM_128_HMAC_SHA1_80` does (RFC 3711 §3.3,
    /// §4.1.1, §4.2): payload XOR keystream, then the 80-bit tag over `header || ciphertext || ROC`.
    static func protectRTP(_ packet: [UInt8], keys: SessionKeys, rolloverCounter: UInt32 = 0) -> [UInt8]? {
        guard packet.count >= 12 else { return nil }
        let sequence = UInt64(packet[2]) << 8 | UInt64(packet[3])
        let ssrc = packet[8..<12]
        let index = UInt64(rolloverCounter) << 16 | sequence
        // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
        var iv = keys.salt + [0, 0]
        for (offset, byte) in ssrc.enumerated() { iv[4 + offset] ^= byte }
        for offset in 0..<6 { iv[8 + offset] ^= UInt8(truncatingIfNeeded: index >> (8 * UInt64(5 - offset))) }
        guard let stream = aesCMKeystream(key: keys.cipherKey, iv: iv, length: packet.count - 12) else { return nil }
        var output = Array(packet[0..<12])
        for (offset, byte) in packet[12...].enumerated() { output.append(byte ^ stream[offset]) }
        let roc = (0..<4).map { UInt8(truncatingIfNeeded: rolloverCounter >> (8 * UInt32(3 - $0))) }
        guard let tag = hmacSHA1(key: keys.authKey, data: output + roc) else { return nil }
        return output + tag.prefix(10)
    }
}
