import SimRTP
import Testing

@testable import SimMedia

/// `SRTPPacketProtector` (libcrypto) must produce exactly libsrtp's bytes, so any receiver's libsrtp accepts them.
@Suite struct SRTPPacketProtectorTests {
    static func masterKey(_ profile: SRTPProtectionProfile) -> [UInt8] {
        (0..<(profile.keyLength + profile.saltLength)).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }
    }

    /// Packets with every header part: CSRCs, a one-byte extension, padding, and an empty payload.
    static func packet(sequence: UInt16, ssrc: UInt32, variant: Int) throws -> [UInt8] {
        let payload = (0..<(variant % 3 == 2 ? 0 : 37 + variant)).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ variant) }
        return try RTPPacket(
            payloadType: 96, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 3000, ssrc: SSRC(ssrc),
            marker: variant % 2 == 0, csrcs: variant % 4 == 1 ? [0xAAAA_BBBB] : [],
            headerExtensions: variant % 3 == 0 ? [RTPHeaderExtensionElement(id: 3, data: [1, 2, 3])] : [],
            payload: payload, paddingLength: variant % 5 == 4 ? 4 : 0
        ).serialized()
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func matchesLibsrtpAcrossWrapsStreamsAndRetransmissions(profile: SRTPProtectionProfile) throws {
        let key = Self.masterKey(profile)
        let protector = try SRTPPacketProtector(profile: profile, masterKey: key)
        let libsrtp = try SRTPContext(profile: profile, masterKey: key, direction: .outbound, allowRepeatTransmission: true)
        let receiver = try SRTPContext(profile: profile, masterKey: key, direction: .inbound, replayWindow: 4096)
        // Two interleaved SSRCs; the first starts near the top and wraps twice (ROC 0 → 1 → 2), with reordered and
        // repeated (retransmitted) sequence numbers along the way.
        var sequences: [(UInt32, UInt16)] = []
        var sequence: UInt16 = 65_000
        for step in 0..<140_000 where step % 997 == 0 || step < 700 || (step > 65_000 && step < 65_700) {
            sequence = 65_000 &+ UInt16(truncatingIfNeeded: step)
            sequences.append((0x1111_2222, sequence))
            if step % 5 == 0 { sequences.append((0x3333_4444, UInt16(truncatingIfNeeded: 10 &+ step))) }
            if step % 7 == 3 { sequences.append((0x1111_2222, sequence &- 3)) }  // a retransmission / late packet
        }
        var compared = 0
        for (index, (ssrc, sequence)) in sequences.enumerated() {
            let plain = try Self.packet(sequence: sequence, ssrc: ssrc, variant: index)
            var ours = plain
            ours.reserveCapacity(plain.count + SRTPContext.trailerSlack)
            var theirs = plain
            try protector.protectRTP(&ours)
            do {
                try libsrtp.protectRTP(&theirs)
            } catch SRTPError.replayed {
                continue  // libsrtp refuses indexes older than its window; we have none to compare
            }
            #expect(ours == theirs, "packet \(index): SSRC \(ssrc) seq \(sequence)")
            if ours != theirs { break }
            compared += 1
            var received = ours
            do {
                try receiver.unprotectRTP(&received)
                #expect(received == plain)
            } catch SRTPError.replayed {
                // A repeat of an index the receiver already took (a retransmission of an identical packet).
            }
        }
        #expect(compared > 1_000)
    }

    @Test func keyLengthsAndMalformedPacketsAreTypedErrors() throws {
        #expect(throws: SRTPError.invalidKeyingMaterial(expected: 30, actual: 3)) {
            try SRTPPacketProtector(profile: .aesCM128HMACSHA1_80, masterKey: [1, 2, 3])
        }
        let protector = try SRTPPacketProtector(profile: .aeadAES128GCM, masterKey: Self.masterKey(.aeadAES128GCM))
        var short: [UInt8] = [0x80, 96, 0, 1]
        #expect(throws: SRTPError.badLength) { try protector.protectRTP(&short) }
        #expect(short == [0x80, 96, 0, 1])
    }

    @Test func derivesRFC3711SessionKeys() throws {
        // RFC 3711 Appendix B.3 key derivation test vectors.
        let masterKey = hex("E1F97A0D3E018BE0D64FA32C06DE4139")
        let masterSalt = hex("0EC675AD498AFEEBB6960B3AABE6")
        #expect(SRTPPacketProtector.derive(masterKey: masterKey, masterSalt: masterSalt, label: 0, length: 16) == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(SRTPPacketProtector.derive(masterKey: masterKey, masterSalt: masterSalt, label: 2, length: 14) == hex("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(SRTPPacketProtector.derive(masterKey: masterKey, masterSalt: masterSalt, label: 1, length: 20)?.prefix(16) == hex("CEBE321F6FF7716B6FD4AB49AF256A15")[...])
    }

    private func hex(_ string: String) -> [UInt8] {
        let digits = Array(string.utf8)
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }
}
