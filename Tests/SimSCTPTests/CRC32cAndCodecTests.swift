import SimCore
import Testing
@testable import SimSCTP

@Suite("CRC32c (RFC 3720 B.4 vectors) and the packet codec")
struct CRC32cAndCodecTests {
    @Test("the four 32-byte vectors")
    func vectors() {
        #expect(CRC32c.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32c.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32c.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32c.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test("eight bytes at a time agrees with the bit-by-bit definition at every length and offset")
    func slicedAgreesWithBitwise() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var random = SeededRandom(seed: 3309)
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &random) }
        for start in 0..<9 {
            for end in stride(from: start, through: bytes.count, by: 7) {
                #expect(~CRC32c.update(0xFFFF_FFFF, bytes[start..<end]) == bitwise(bytes[start..<end]))
            }
        }
    }

    @Test("a packet of every chunk kind round-trips, and its checksum is stored least significant byte first")
    func roundTrip() throws {
        let chunks: [SCTPChunk] = [
            .initiation(SCTPInit(initiateTag: 0x0102_0304, advertisedReceiverWindow: 131_072, outboundStreams: 1024, inboundStreams: 65535, initialTSN: 77)),
            .initiationAck(SCTPInit(initiateTag: 9, advertisedReceiverWindow: 1, outboundStreams: 2, inboundStreams: 3, initialTSN: 4, cookie: [1, 2, 3, 4, 5],
                                    forwardTSNSupported: false, supportedExtensions: [130])),
            .data(SCTPDataChunk(tsn: 5, stream: 1, ssn: 2, ppid: 53, unordered: true, beginning: true, ending: false, payload: [9, 8, 7])),
            .sack(SCTPSack(cumulativeTSNAck: 10, advertisedReceiverWindow: 4096, gapBlocks: [2...3, 5...5], duplicateTSNs: [7])),
            .heartbeat([1, 2, 3]), .heartbeatAck([1, 2, 3]), .shutdown(cumulativeTSNAck: 3), .shutdownAck, .cookieEcho([6, 6]), .cookieAck,
            .shutdownComplete(reflectedTag: true), .abort(reflectedTag: false, causes: [0, 1, 0, 4]),
            .reconfig([.outgoingReset(requestSequence: 1, responseSequence: 0, lastTSN: 99, streams: [1, 3, 5]), .response(responseSequence: 4, result: 1)]),
            .forwardTSN(SCTPForwardTSN(newCumulativeTSN: 12, streams: [(1, 4), (2, 9)])),
            .unknown(type: 0x81, flags: 0, value: [1, 2]),
        ]
        let packet = SCTPPacket(sourcePort: 5000, destinationPort: 5001, verificationTag: 0xDEAD_BEEF, chunks: chunks)
        let bytes = packet.serialized()
        #expect(try SCTPPacket(parsing: bytes) == packet)
        let crc = CRC32c.packetChecksum(bytes)
        #expect(Array(bytes[8..<12]) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
        #expect(bytes.count % 4 == 0)
    }

    @Test("a wrong checksum, a short packet and a chunk running past the end are refused, not trapped on")
    func malformed() {
        var bytes = SCTPPacket(sourcePort: 1, destinationPort: 2, verificationTag: 3, chunks: [.cookieAck]).serialized()
        bytes[8] ^= 0xFF
        #expect(throws: SCTPParseError.badChecksum) { try SCTPPacket(parsing: bytes) }
        #expect(throws: SCTPParseError.tooShort) { try SCTPPacket(parsing: [1, 2, 3]) }
        var long = SCTPPacket(sourcePort: 1, destinationPort: 2, verificationTag: 3, chunks: [.heartbeat([1, 2, 3, 4])]).serialized()
        long[14] = 0x01  // chunk length 256+: past the packet
        let crc = CRC32c.packetChecksum(long)
        long[8] = UInt8(crc & 0xFF); long[9] = UInt8(crc >> 8 & 0xFF); long[10] = UInt8(crc >> 16 & 0xFF); long[11] = UInt8(crc >> 24)
        #expect(throws: SCTPParseError.self) { try SCTPPacket(parsing: long) }
        // Every truncation of a valid packet (its checksum fixed up) parses or throws.
        let valid = SCTPPacket(sourcePort: 1, destinationPort: 2, verificationTag: 3, chunks: [
            .data(SCTPDataChunk(tsn: 1, stream: 0, ssn: 0, ppid: 51, unordered: false, beginning: true, ending: true, payload: [1, 2, 3, 4, 5])),
            .sack(SCTPSack(cumulativeTSNAck: 1, advertisedReceiverWindow: 10, gapBlocks: [1...2])),
        ]).serialized()
        for length in 12..<valid.count {
            var cut = Array(valid[0..<length])
            let sum = CRC32c.packetChecksum(cut)
            cut[8] = UInt8(sum & 0xFF); cut[9] = UInt8(sum >> 8 & 0xFF); cut[10] = UInt8(sum >> 16 & 0xFF); cut[11] = UInt8(sum >> 24)
            _ = try? SCTPPacket(parsing: cut)
        }
    }
}
