import SimCore
import SimRTP
import Testing

/// Feeds seeded random, truncated and mutated packets to every parser of peer input: none may trap, and
/// whatever parses must serialize to something that parses again.
@Suite struct ParserFuzzTests {
    static let seed: UInt64 = 0x5F05_1A00
    static let iterations = 20_000

    @Test func noParserTraps() {
        var random = SeededRandom(seed: Self.seed)
        var parsedRTP = 0
        var parsedRTCP = 0
        for iteration in 0..<Self.iterations {
            let input = Self.mutatedInput(&random)
            let context: Comment = "seed \(Self.seed) iteration \(iteration) bytes \(input)"

            if let packet = try? RTPPacket(parsing: input) {
                parsedRTP += 1
                #expect(packet.serialized() == input, context)
                for element in packet.headerExtensions { _ = element.data.count }
                _ = packet.csrcs
                #expect(packet.payloadRange.upperBound <= input.count, context)
            }
            var rewritten = input
            RTPPacket.setSequenceNumber(UInt16.random(in: 0...UInt16.max, using: &random), in: &rewritten)
            RTPPacket.setMarker(Bool.random(using: &random), in: &rewritten)
            RTPPacket.remapHeaderExtensionIDs(in: &rewritten) { id in id % 3 == 0 ? nil : id &+ 1 }
            #expect(rewritten.count == input.count, context)

            if let packets = try? RTCPPacket.parseCompound(input) {
                parsedRTCP += 1
                let bytes = RTCPPacket.serializeCompound(packets)
                #expect((try? RTCPPacket.parseCompound(bytes)) != nil, context)
                for case .transportCC(let feedback) in packets { _ = feedback.packetStatuses() }
                for case .nack(let nack) in packets { _ = nack.lostSequenceNumbers }
            }

            for codec in VideoCodec.allCases {
                _ = KeyframeDetector.isKeyframeStart(payload: input, codec: codec)
                _ = KeyframeDetector.isKeyframeStart(payload: input.dropFirst(12), codec: codec)
            }
        }
        // The mutations must keep some inputs valid, or the test only exercises the first checks.
        #expect(parsedRTP > Self.iterations / 20, "seed \(Self.seed): \(parsedRTP) RTP parsed")
        #expect(parsedRTCP > Self.iterations / 20, "seed \(Self.seed): \(parsedRTCP) RTCP parsed")
    }

    /// A corpus packet (or random bytes) after a few random mutations.
    static func mutatedInput(_ random: inout SeededRandom) -> [UInt8] {
        var bytes: [UInt8]
        if Int.random(in: 0..<10, using: &random) == 0 {
            let count = Int.random(in: 0..<64, using: &random)
            bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if !bytes.isEmpty { bytes[0] = bytes[0] & 0x3F | 0x80 }  // keep version 2 most of the time
        } else {
            bytes = RTPFixtures.corpus.randomElement(using: &random) ?? []
        }
        let mutations = Int.random(in: 0...3, using: &random)
        for _ in 0..<mutations where !bytes.isEmpty {
            switch Int.random(in: 0..<5, using: &random) {
            case 0:  // flip a bit
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &random)
            case 1:  // truncate
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            case 2:  // overwrite a byte
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 3:  // append junk
                bytes += (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            default:  // max out a length or count field
                let index = Int.random(in: 0..<min(bytes.count, 20), using: &random)
                bytes[index] = 0xFF
            }
        }
        return bytes
    }
}
