import SimCore
import SimRTP
import Testing

/// `#expect(actual == expected)` for values from mutating calls, which the `#expect` macro cannot capture.
private func check<T: Equatable>(_ actual: T, _ expected: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, sourceLocation: sourceLocation)
}

@Suite struct RTPStreamIdentificationTests {
    static let simulcast = RTPStreamIdentification(mid: "0", rids: ["q", "h", "f"], midExtensionID: 1, ridExtensionID: 2, repairedRIDExtensionID: 3)

    static func packet(_ extensions: [(UInt8, String)], payloadType: UInt8 = 96) throws -> RTPPacket {
        try RTPPacket(payloadType: payloadType, sequenceNumber: 1, timestamp: 1, ssrc: 0x1234,
                      headerExtensions: extensions.map { RTPHeaderExtensionElement(id: $0.0, data: Array($0.1.utf8)) }, payload: [1])
    }

    @Test func ridsMapByNameThenUnknownOnesByOrder() {
        let map = { (rids: [String]) in SimulcastLayer.layers(forRIDs: rids).map { "\($0.rid)=\($0.layer)" } }
        #expect(map(["q", "h", "f"]) == ["q=q", "h=h", "f=f"])
        #expect(map(["f", "q"]) == ["f=f", "q=q"])
        #expect(map(["2", "1", "0"]) == ["2=q", "1=h", "0=f"])
        // Unknown names take the free layers, lowest first, in list order.
        #expect(map(["a", "b", "c"]) == ["a=q", "b=h", "c=f"])
        #expect(map(["lo", "f"]) == ["lo=q", "f=f"])
        #expect(map(["x", "q"]) == ["x=h", "q=q"])
        // Duplicates and a fourth stream are left out; a second name for a claimed layer takes a free one.
        #expect(map(["q", "q", "h"]) == ["q=q", "h=h"])
        #expect(map(["a", "b", "c", "d"]) == ["a=q", "b=h", "c=f"])
        #expect(map(["q", "2"]) == ["q=q", "2=h"])
    }

    @Test func classifiesByMidRidAndRepairedRid() throws {
        let id = Self.simulcast
        #expect(id.isSimulcast && id.canLearnSSRCs)
        #expect(id.classify(try Self.packet([(1, "0"), (2, "h")])) == .media(.medium))
        #expect(id.classify(try Self.packet([(2, "f")])) == .media(.high))
        #expect(id.classify(try Self.packet([(1, "0"), (3, "f")])) == .repair)
        #expect(id.classify(try Self.packet([(1, "1"), (2, "f")])) == .otherTrack)
        #expect(id.classify(try Self.packet([(2, "x")])) == .otherTrack)
        #expect(id.classify(try Self.packet([(1, "0")])) == .undetermined)  // simulcast: the mid alone names no layer
        #expect(id.classify(try Self.packet([])) == .undetermined)
        #expect(id.classify(try Self.packet([(5, "f")])) == .undetermined)  // an id we were not told about
        // Trailing NULs (an SDES item padded) are ignored.
        #expect(id.classify(try RTPPacket(payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1,
                                          headerExtensions: [RTPHeaderExtensionElement(id: 2, data: [0x71, 0, 0])], payload: [1])) == .media(.low))
    }

    @Test func singleLayerTrackIsLearnedByMid() throws {
        let id = RTPStreamIdentification(mid: "audio", midExtensionID: 1, ridExtensionID: 2)
        #expect(!id.isSimulcast && id.canLearnSSRCs)
        #expect(id.classify(try Self.packet([(1, "audio")])) == .media(.high))
        #expect(id.classify(try Self.packet([(1, "audio"), (2, "f")])) == .media(.high))
        #expect(id.classify(try Self.packet([(1, "video")])) == .otherTrack)
        #expect(id.classify(try Self.packet([(2, "f")])) == .undetermined)
        #expect(!RTPStreamIdentification.none.canLearnSSRCs)
        #expect(RTPStreamIdentification.none.classify(try Self.packet([(1, "audio")])) == .undetermined)
    }
}

@Suite struct SimulcastLayerActivityTests {
    static func at(_ milliseconds: UInt64) -> SimInstant { SimInstant(nanoseconds: milliseconds * 1_000_000) }

    @Test func layersActivateOnTheirFirstPacketAndStopAfterASilentSecond() {
        var activity = SimulcastLayerActivity(declared: [.low, .high])
        #expect(!activity.isActive(.low) && !activity.isActive(.high))
        check(activity.packetReceived(layer: .low, now: Self.at(0)), true)
        check(activity.packetReceived(layer: .low, now: Self.at(10)), false)
        check(activity.packetReceived(layer: .high, now: Self.at(20)), true)
        check(activity.packetReceived(layer: .medium, now: Self.at(30)), false)  // not declared
        #expect(!activity.isActive(.medium))
        // Exactly the timeout is still active; beyond it, the next packet of another layer ends it.
        check(activity.packetReceived(layer: .low, now: Self.at(1020)), false)
        check(activity.packetReceived(layer: .low, now: Self.at(1021)), true)
        #expect(activity.isActive(.low) && !activity.isActive(.high))
        // High comes back; low, silent for longer than the timeout, stops with the same packet.
        check(activity.packetReceived(layer: .high, now: Self.at(5000)), true)
        #expect(activity.isActive(.high) && !activity.isActive(.low))
        // The only layer that sends never times itself out.
        check(activity.packetReceived(layer: .high, now: Self.at(60_000)), false)
        #expect(activity.isActive(.high))
    }

    @Test func slotsHoldOneValuePerLayer() {
        var slots = SimulcastLayerSlots<UInt32?>(repeating: nil)
        slots[.medium] = 7
        #expect(slots[.low] == nil && slots[.medium] == 7 && slots[.high] == nil)
    }
}
