import Testing

@testable import SimMedia

/// Hex helpers for the spec vectors.
private func hex(_ string: String) -> [UInt8] {
    let digits = Array(string.filter { !$0.isWhitespace }.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

private func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// A 12-byte RTP header (V=2, PT 111) and a payload of `payloadLength` bytes.
private func rtpPacket(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, payloadLength: Int = 40) -> [UInt8] {
    var packet: [UInt8] = [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0x10, 0x00]
    packet += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
    packet += (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(sequence)) }
    return packet
}

/// An RTCP receiver report with no report blocks (8 bytes).
private func rtcpReceiverReport(ssrc: UInt32 = 0xCAFE_BABE) -> [UInt8] {
    [0x80, 201, 0x00, 0x01, UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
}

private func contextPair(_ profile: SRTPProtectionProfile) throws -> (outbound: SRTPContext, inbound: SRTPContext) {
    let masterKey = (0..<(profile.keyLength + profile.saltLength)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
    return (
        try SRTPContext(profile: profile, masterKey: masterKey, direction: .outbound),
        try SRTPContext(profile: profile, masterKey: masterKey, direction: .inbound)
    )
}

@Suite struct SRTPProtectionProfileTests {
    @Test func lengthsAndNames() {
        #expect(SRTPProtectionProfile.aesCM128HMACSHA1_80.keyingMaterialLength == 60)
        #expect(SRTPProtectionProfile.aeadAES128GCM.keyingMaterialLength == 56)
        #expect(SRTPProtectionProfile.aeadAES128GCM.saltLength == 12)
        #expect(SRTPProtectionProfile(dtlsProfileID: 0x0001) == .aesCM128HMACSHA1_80)
        #expect(SRTPProtectionProfile(dtlsProfileID: 0x0007) == .aeadAES128GCM)
        #expect(SRTPProtectionProfile(dtlsProfileID: 0x0002) == nil)
        #expect(SRTPProtectionProfile.aesCM128HMACSHA1_80.dtlsProfileName == "SRTP_AES128_CM_SHA1_80")
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func keyingMaterialSplitsByRole(profile: SRTPProtectionProfile) throws {
        let output = (0..<profile.keyingMaterialLength).map { UInt8($0) }
        let client = try SRTPKeyingMaterial(exporterOutput: output, profile: profile, role: .client)
        let server = try SRTPKeyingMaterial(exporterOutput: output, profile: profile, role: .server)
        let k = profile.keyLength
        let s = profile.saltLength
        #expect(client.localKey == Array(output[0..<k]))
        #expect(client.remoteKey == Array(output[k..<2 * k]))
        #expect(client.localSalt == Array(output[2 * k..<2 * k + s]))
        #expect(client.remoteSalt == Array(output[2 * k + s..<2 * k + 2 * s]))
        #expect(client.localMasterKey == server.remoteMasterKey)
        #expect(client.remoteMasterKey == server.localMasterKey)
        #expect(throws: SRTPError.invalidKeyingMaterial(expected: profile.keyingMaterialLength, actual: 3)) {
            try SRTPKeyingMaterial(exporterOutput: [1, 2, 3], profile: profile, role: .client)
        }
    }
}

@Suite struct SRTPContextTests {
    @Test(arguments: SRTPProtectionProfile.allCases)
    func rtpRoundTrip(profile: SRTPProtectionProfile) throws {
        let (outbound, inbound) = try contextPair(profile)
        for sequence in UInt16(1000)..<1010 {
            let original = rtpPacket(sequence: sequence)
            var packet = original
            try outbound.protectRTP(&packet)
            #expect(packet.count == original.count + profile.rtpTagLength)
            #expect(Array(packet[0..<12]) == Array(original[0..<12]))
            #expect(Array(packet[12..<original.count]) != Array(original[12...]))
            try inbound.unprotectRTP(&packet)
            #expect(packet == original)
        }
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func rtcpRoundTrip(profile: SRTPProtectionProfile) throws {
        let (outbound, inbound) = try contextPair(profile)
        let original = rtcpReceiverReport()
        var packet = original
        try outbound.protectRTCP(&packet)
        #expect(packet.count == original.count + 4 + profile.rtpTagLength)
        try inbound.unprotectRTCP(&packet)
        #expect(packet == original)
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func tamperedPacketFailsAuthentication(profile: SRTPProtectionProfile) throws {
        let (outbound, inbound) = try contextPair(profile)
        var packet = rtpPacket(sequence: 7)
        try outbound.protectRTP(&packet)
        packet[20] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try inbound.unprotectRTP(&packet) }

        var rtcp = rtcpReceiverReport()
        try outbound.protectRTCP(&rtcp)
        rtcp[rtcp.count - 1] ^= 0x80
        #expect(throws: SRTPError.authenticationFailed) { try inbound.unprotectRTCP(&rtcp) }
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func replayedPacketIsRejected(profile: SRTPProtectionProfile) throws {
        let (outbound, inbound) = try contextPair(profile)
        var packet = rtpPacket(sequence: 42)
        try outbound.protectRTP(&packet)
        var first = packet
        try inbound.unprotectRTP(&first)
        var second = packet
        #expect(throws: SRTPError.replayed) { try inbound.unprotectRTP(&second) }
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let outbound = try SRTPContext(
            profile: .aesCM128HMACSHA1_80, masterKey: [UInt8](repeating: 1, count: 30), direction: .outbound)
        let inbound = try SRTPContext(
            profile: .aesCM128HMACSHA1_80, masterKey: [UInt8](repeating: 2, count: 30), direction: .inbound)
        var packet = rtpPacket(sequence: 1)
        try outbound.protectRTP(&packet)
        #expect(throws: SRTPError.authenticationFailed) { try inbound.unprotectRTP(&packet) }
    }

    @Test func malformedInputThrowsInsteadOfTrapping() throws {
        let (outbound, inbound) = try contextPair(.aesCM128HMACSHA1_80)
        let cases: [[UInt8]] = [
            [], [0x80], Array(rtpPacket(sequence: 1).prefix(11)),
            [0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],  // 15 CSRCs announced, none present
            [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0xFF, 0xFF],  // extension longer than packet
            [0x00] + [UInt8](repeating: 0, count: 40),  // version 0
        ]
        for bytes in cases {
            var packet = bytes
            #expect(throws: SRTPError.badLength) { try inbound.unprotectRTP(&packet) }
            #expect(packet == bytes)
            var rtcp = bytes
            #expect(throws: SRTPError.self) { try inbound.unprotectRTCP(&rtcp) }
        }
        var short = [UInt8](repeating: 0x80, count: 4)
        #expect(throws: SRTPError.badLength) { try outbound.protectRTP(&short) }
        #expect(throws: SRTPError.badLength) { try outbound.protectRTCP(&short) }
        // Random bytes that look like RTP: authentication must fail, never trap.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var noise = (0..<Int(generator.next() % 200 + 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            noise[0] = 0x80
            #expect(throws: SRTPError.self) { try inbound.unprotectRTP(&noise) }
        }
    }

    @Test func wrongKeyLengthIsTyped() {
        #expect(throws: SRTPError.invalidKeyingMaterial(expected: 28, actual: 30)) {
            try SRTPContext(profile: .aeadAES128GCM, masterKey: [UInt8](repeating: 0, count: 30), direction: .inbound)
        }
    }
}

/// RFC 3711 Appendix B test vectors, and libsrtp checked against them.
@Suite struct SRTPSpecVectorTests {
    /// RFC 3711 B.2: AES-CM keystream for session key 2B7E…4F3C and IV F0F1…FD0000.
    @Test func rfc3711AESCMKeystream() throws {
        let key = hex("2B7E151628AED2A6ABF7158809CF4F3C")
        let iv = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")
        let stream = try #require(SRTPReferenceCipher.aesCMKeystream(key: key, iv: iv, length: 0xFF02 * 16))
        #expect(hexString(stream[0..<16]) == "e03ead0935c95e80e166b16dd92b4eb4")
        #expect(hexString(stream[16..<32]) == "d23513162b02d0f72a43a2fe4a5f97ab")
        #expect(hexString(stream[32..<48]) == "41e95b3bb0a2e8dd477901e4fca894c0")
        #expect(hexString(stream[(0xFEFF * 16)..<(0xFF00 * 16)]) == "ec8cdf7398607cb0f2d21675ea9ea1e4")
        #expect(hexString(stream[(0xFF00 * 16)..<(0xFF01 * 16)]) == "362b7c3c6773516318a077d7fc5073ae")
        #expect(hexString(stream[(0xFF01 * 16)..<(0xFF02 * 16)]) == "6a2cc3787889374fbeb4c81b17ba6c44")
    }

    /// RFC 3711 B.3: key derivation from master key E1F9…4139 and master salt 0EC6…ABE6.
    @Test func rfc3711KeyDerivation() throws {
        let keys = try #require(
            SRTPReferenceCipher.deriveSessionKeys(
                masterKey: hex("E1F97A0D3E018BE0D64FA32C06DE4139"), masterSalt: hex("0EC675AD498AFEEBB6960B3AABE6")))
        #expect(hexString(keys.cipherKey) == "c61e7a93744f39ee10734afe3ff7a087")
        #expect(hexString(keys.salt) == "30cbbc08863d8c85d49db34a9ae1")
        #expect(hexString(keys.authKey) == "cebe321f6ff7716b6fd4ab49af256a156d38baa4")
    }

    /// libsrtp (`SRTPContext`) protecting with the RFC 3711 B.3 master key must produce the packet the RFC's
    /// transform defines (computed independently with libcrypto), and the known bytes of libsrtp's own
    /// `srtp_driver` vector for this key.
    @Test func libsrtpMatchesRFC3711Transform() throws {
        let masterKey = hex("E1F97A0D3E018BE0D64FA32C06DE4139") + hex("0EC675AD498AFEEBB6960B3AABE6")
        let plaintext = hex("800f1234decafbadcafebabe") + [UInt8](repeating: 0xAB, count: 16)
        let keys = try #require(
            SRTPReferenceCipher.deriveSessionKeys(masterKey: Array(masterKey[0..<16]), masterSalt: Array(masterKey[16...])))
        let reference = try #require(SRTPReferenceCipher.protectRTP(plaintext, keys: keys))

        let outbound = try SRTPContext(profile: .aesCM128HMACSHA1_80, masterKey: masterKey, direction: .outbound)
        var packet = plaintext
        try outbound.protectRTP(&packet)
        #expect(packet == reference)
        #expect(
            hexString(packet)
                == "800f1234decafbadcafebabe" + "4e55dc4ce79978d88ca4d215949d2402" + "b78d6acc99ea179b8dbb")

        let inbound = try SRTPContext(profile: .aesCM128HMACSHA1_80, masterKey: masterKey, direction: .inbound)
        try inbound.unprotectRTP(&packet)
        #expect(packet == plaintext)
    }
}

/// A tiny deterministic generator for noise in tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
