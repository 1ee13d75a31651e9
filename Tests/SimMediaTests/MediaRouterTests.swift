import Foundation
import SimCore
import SimMedia
import SimRTP
import Testing

/// A transport that keeps what the router sends, for transcript tests without ICE, DTLS or SRTP.
final class RecordingTransport: MediaTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var sentRTP: [[UInt8]] = []
    private var sentRTCP: [[UInt8]] = []

    func sendRTP(_ packet: inout [UInt8]) throws { lock.withLock { sentRTP.append(packet) } }
    func sendRTCP(_ packet: inout [UInt8]) throws { lock.withLock { sentRTCP.append(packet) } }

    /// RTP sent since the last `take`, parsed.
    func takeRTP() -> [RTPPacket] {
        lock.withLock {
            defer { sentRTP = [] }
            return sentRTP.compactMap { try? RTPPacket(parsing: $0) }
        }
    }

    /// RTCP sent since the last `take`, parsed (each compound flattened).
    func takeRTCP() -> [RTCPPacket] {
        lock.withLock {
            defer { sentRTCP = [] }
            return sentRTCP.flatMap { (try? RTCPPacket.parseCompound($0)) ?? [] }
        }
    }

    /// The media SSRCs of the PLIs sent since the last `take` (other RTCP is discarded).
    func takePLIs() -> [UInt32] {
        takeRTCP().compactMap { if case .pli(let pli) = $0 { pli.mediaSSRC.value } else { nil } }
    }
}

/// MediaRouter transcripts: packets in (with a ManualClock), what each transport was sent out.
@Suite struct MediaRouterTests {
    static let track: TrackSID = "TR_VCsim"
    static let midID: UInt8 = 4
    static let ridID: UInt8 = 10
    static let repairedRIDID: UInt8 = 11
    static let vp8: UInt8 = 96
    static let rtx: UInt8 = 97
    static let ssrcs: [SimulcastLayer: UInt32] = [.low: 0x1111, .medium: 0x2222, .high: 0x3333]
    static let downSSRC: UInt32 = 0x5000

    let clock = ManualClock()
    let router: MediaRouter
    let publisher = RecordingTransport()
    let subscriber = RecordingTransport()
    /// Next publisher sequence number / timestamp per layer.
    final class Counters: @unchecked Sendable {
        var sequence: [SimulcastLayer: UInt16] = [.low: 100, .medium: 20_000, .high: 65_530]
        var timestamp: [SimulcastLayer: UInt32] = [.low: 1_000, .medium: 500_000, .high: 4_294_960_000]
    }
    let counters = Counters()

    init() {
        router = MediaRouter(clock: clock)
    }

    /// One VP8 packet of `layer` (keyframe start or delta), with the mid and rid extensions when asked.
    func packet(_ layer: SimulcastLayer, keyframe: Bool = false, tagged: Bool = false, newFrame: Bool = true) -> [UInt8] {
        let sequence = counters.sequence[layer, default: 0]
        counters.sequence[layer] = sequence &+ 1
        if newFrame { counters.timestamp[layer, default: 0] &+= 3000 }
        let extensions = tagged
            ? [RTPHeaderExtensionElement(id: Self.midID, data: Array("0".utf8)), RTPHeaderExtensionElement(id: Self.ridID, data: Array(layer.rid.utf8))]
            : []
        // VP8 descriptor S=1 PID=0, then the payload header's P bit: 0 for a keyframe.
        let payload: [UInt8] = [0x10, keyframe ? 0x00 : 0x01] + [UInt8](repeating: UInt8(layer.rawValue), count: 40)
        return Self.build(ssrc: Self.ssrcs[layer, default: 0], sequence: sequence, timestamp: counters.timestamp[layer, default: 0],
                          payloadType: Self.vp8, extensions: extensions, payload: payload)
    }

    static func build(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, payloadType: UInt8,
                      extensions: [RTPHeaderExtensionElement] = [], payload: [UInt8]) -> [UInt8] {
        // The fields fit by construction.
        (try? RTPPacket(payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: SSRC(ssrc),
                        headerExtensions: extensions, payload: payload).serialized()) ?? []
    }

    func publishSimulcast(rids: [String] = ["q", "h", "f"], layerSizes: [SimulcastLayerInfo] = []) {
        router.publish(
            track: Self.track, on: publisher, participant: "PA_pub", ssrcs: [], codecs: [Self.vp8: "VP8", Self.rtx: "rtx"],
            streams: RTPStreamIdentification(mid: "0", rids: rids, midExtensionID: Self.midID, ridExtensionID: Self.ridID,
                                             repairedRIDExtensionID: Self.repairedRIDID),
            layerSizes: layerSizes
        )
    }

    func subscribe(settings: SimulcastSubscriberSettings = SimulcastSubscriberSettings()) {
        router.subscribe(track: Self.track, transport: subscriber, participant: "PA_sub", ssrc: Self.downSSRC,
                         payloadTypes: [Self.vp8: 100], clockRate: 90_000, settings: settings)
    }

    func receive(_ bytes: [UInt8]) { router.rtpReceived(bytes, from: publisher) }

    /// Every layer announced (tagged first packets), then a high keyframe forwarded; the transports' logs emptied.
    func flowingAtHigh() throws -> RTPPacket {
        publishSimulcast()
        subscribe()
        for layer in SimulcastLayer.allCases { receive(packet(layer, tagged: true)) }
        _ = publisher.takeRTCP()
        receive(packet(.high, keyframe: true))
        let forwarded = subscriber.takeRTP()
        _ = subscriber.takeRTCP()
        return try #require(forwarded.first)
    }

    // MARK: Simulcast on the wire

    @Test func bindsLayersByRIDAndTargetsTheHighestActiveWithAPLIForEach() throws {
        publishSimulcast()
        subscribe()
        #expect(router.activeLayers(track: Self.track) == [])
        #expect(publisher.takePLIs() == [])  // no layer known yet: nobody to ask

        // libwebrtc starts the layers one after the other; each becomes the target in turn, with a PLI naming it.
        receive(packet(.low, tagged: true))
        #expect(router.activeLayers(track: Self.track) == [.low])
        #expect(publisher.takePLIs() == [Self.ssrcs[.low]])
        receive(packet(.medium, tagged: true))
        #expect(publisher.takePLIs() == [Self.ssrcs[.medium]])
        receive(packet(.high, tagged: true))
        #expect(publisher.takePLIs() == [Self.ssrcs[.high]])
        #expect(router.activeLayers(track: Self.track) == [.low, .medium, .high])
        #expect(subscriber.takeRTP().isEmpty)  // deltas: waiting for a keyframe

        // The binding outlives the extensions (libwebrtc stops sending them after receiver reports).
        receive(packet(.low, keyframe: true))
        #expect(subscriber.takeRTP().isEmpty)  // not the target
        receive(packet(.high, keyframe: true))
        let forwarded = subscriber.takeRTP()
        #expect(forwarded.count == 1)
        #expect(forwarded.first?.ssrc == SSRC(Self.downSSRC) && forwarded.first?.payloadType == 100)
        #expect(forwarded.first?.payload.dropFirst(2).first == UInt8(SimulcastLayer.high.rawValue))
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.high, .high))
    }

    @Test func forwardedPacketsHaveTheirExtensionsBlanked() throws {
        publishSimulcast()
        subscribe()
        receive(packet(.high, keyframe: true, tagged: true))
        let forwarded = try #require(subscriber.takeRTP().first)
        #expect(forwarded.hasExtension && Array(forwarded.headerExtensions).isEmpty)
    }

    @Test func endToEndExtensionsAreMappedToTheSubscribersIDsAndTheRestBlanked() throws {
        // Publisher: audio level on 1, video orientation on 13, transport-cc on 3 (per hop: never forwarded).
        router.publish(track: Self.track, on: publisher, participant: "PA_pub", ssrcs: [0x4444], codecs: [Self.vp8: "VP8"])
        router.subscribe(track: Self.track, transport: subscriber, participant: "PA_sub", ssrc: Self.downSSRC,
                         payloadTypes: [Self.vp8: 100], clockRate: 90_000, extensionIDs: [1: 7, 13: 2])
        let payload: [UInt8] = [0x10, 0x00] + [UInt8](repeating: 9, count: 20)
        receive(Self.build(ssrc: 0x4444, sequence: 5, timestamp: 90_000, payloadType: Self.vp8, extensions: [
            RTPHeaderExtensionElement(id: 1, data: [0x85]), RTPHeaderExtensionElement(id: 3, data: [0x00, 0x2A]),
            RTPHeaderExtensionElement(id: 13, data: [0x01]),
        ], payload: payload))
        let forwarded = try #require(subscriber.takeRTP().first)
        let elements = Array(forwarded.headerExtensions).map { ($0.id, Array($0.data)) }
        #expect(elements.map(\.0) == [7, 2])
        #expect(elements.map(\.1) == [[0x85], [0x01]])
        #expect(forwarded.payloadType == 100 && Array(forwarded.payload) == payload)
    }

    @Test func frameCountersCountFramesInAndOnTheFirstDownTrackOut() throws {
        router.publish(track: Self.track, on: publisher, participant: "PA_pub", ssrcs: [0x4444], codecs: [Self.vp8: "VP8"])
        #expect(router.frameCounters(track: Self.track).input == 0)
        for frame in 0..<3 {
            let payload: [UInt8] = [0x10, 0x00, 1, 2, 3]  // keyframes: the new down track starts at once
            var bytes = Self.build(ssrc: 0x4444, sequence: UInt16(frame), timestamp: UInt32(frame) * 3000, payloadType: Self.vp8, payload: payload)
            bytes[1] |= 0x80  // marker: the frame's last packet
            receive(bytes)
            if frame == 0 {
                router.subscribe(track: Self.track, transport: subscriber, participant: "PA_sub", ssrc: Self.downSSRC,
                                 payloadTypes: [Self.vp8: 96], clockRate: 90_000)
            }
        }
        let counters = router.frameCounters(track: Self.track)
        #expect(counters.input == 3 && counters.output == 2)  // the first frame arrived before the subscription
        #expect(counters.lastLatency != nil)
    }

    @Test func switchesDownAndUpOnSettingsAtTheTargetsKeyframeWithContinuousNumbering() throws {
        let first = try flowingAtHigh()

        // Down: a PLI for the low layer's SSRC; high keeps flowing until low's keyframe.
        #expect(router.updateSubscriberSettings(track: Self.track, transport: subscriber, settings: SimulcastSubscriberSettings(maxQuality: .low)))
        #expect(publisher.takePLIs() == [Self.ssrcs[.low]])
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.low, .high))
        receive(packet(.high))
        receive(packet(.low))  // a delta of the target: not a switch point
        var out = subscriber.takeRTP()
        #expect(out.count == 1 && out.first?.payload.dropFirst(2).first == UInt8(SimulcastLayer.high.rawValue))
        let beforeSwitch = try #require(out.last)
        #expect(beforeSwitch.sequenceNumber == first.sequenceNumber &+ 1)

        clock.advance(by: .milliseconds(40))
        receive(packet(.low, keyframe: true))
        receive(packet(.high))  // no longer forwarded
        receive(packet(.low))
        out = subscriber.takeRTP()
        #expect(out.map { $0.payload.dropFirst(2).first } == [0, 0])
        #expect(out.map(\.sequenceNumber) == [beforeSwitch.sequenceNumber &+ 1, beforeSwitch.sequenceNumber &+ 2])
        // 40 ms at 90 kHz after the last forwarded frame; then the low layer's own spacing.
        #expect(out[0].timestamp == beforeSwitch.timestamp &+ 3600)
        #expect(out[1].timestamp == out[0].timestamp &+ 3000)
        #expect(out.allSatisfy { $0.ssrc == SSRC(Self.downSSRC) })
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.low, .low))

        // Up again.
        router.updateSubscriberSettings(track: Self.track, transport: subscriber, settings: SimulcastSubscriberSettings())
        #expect(publisher.takePLIs() == [Self.ssrcs[.high]])
        receive(packet(.high, keyframe: true))
        receive(packet(.low))
        out = subscriber.takeRTP()
        #expect(out.count == 1 && out.first?.payload.dropFirst(2).first == UInt8(SimulcastLayer.high.rawValue))
        #expect(out.first?.sequenceNumber == beforeSwitch.sequenceNumber &+ 3)
    }

    @Test func whileWaitingForTheTargetsKeyframeThePLIRepeatsForThatLayerOnly() throws {
        _ = try flowingAtHigh()
        router.updateSubscriberSettings(track: Self.track, transport: subscriber, settings: SimulcastSubscriberSettings(maxQuality: .medium))
        #expect(publisher.takePLIs() == [Self.ssrcs[.medium]])
        receive(packet(.medium))
        #expect(publisher.takePLIs() == [])  // the forced one was just sent
        clock.advance(by: MediaRouter.keyframeRequestInterval)
        receive(packet(.high))
        receive(packet(.medium))
        #expect(publisher.takePLIs() == [Self.ssrcs[.medium]])
    }

    @Test func subscriberSizeSelectsTheLayerThatCoversIt() throws {
        publishSimulcast(layerSizes: [
            SimulcastLayerInfo(layer: .low, width: 320, height: 180), SimulcastLayerInfo(layer: .medium, width: 640, height: 360),
            SimulcastLayerInfo(layer: .high, width: 1280, height: 720),
        ])
        subscribe(settings: SimulcastSubscriberSettings(width: 600, height: 340))
        for layer in SimulcastLayer.allCases { receive(packet(layer, tagged: true)) }
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)?.target == .medium)
    }

    @Test func pausedSubscriberGetsNothingAndResumesAtAKeyframe() throws {
        _ = try flowingAtHigh()
        router.updateSubscriberSettings(track: Self.track, transport: subscriber, settings: SimulcastSubscriberSettings(isPaused: true))
        #expect(publisher.takePLIs() == [])
        receive(packet(.high, keyframe: true))
        #expect(subscriber.takeRTP().isEmpty)
        router.updateSubscriberSettings(track: Self.track, transport: subscriber, settings: SimulcastSubscriberSettings())
        #expect(publisher.takePLIs() == [Self.ssrcs[.high]])
        receive(packet(.high))
        #expect(subscriber.takeRTP().isEmpty)
        receive(packet(.high, keyframe: true))
        #expect(subscriber.takeRTP().count == 1)
    }

    @Test func aLayerSilentForASecondGoesInactiveAndTheSubscriberMovesDown() throws {
        _ = try flowingAtHigh()
        // The publisher's encoder drops its top layer (bandwidth); low and medium go on.
        for _ in 0..<11 {
            clock.advance(by: .milliseconds(100))
            receive(packet(.low))
            receive(packet(.medium))
        }
        #expect(router.activeLayers(track: Self.track) == [.low, .medium])
        #expect(publisher.takePLIs() == [Self.ssrcs[.medium]])
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.medium, .high))
        receive(packet(.medium, keyframe: true))
        #expect(subscriber.takeRTP().count == 1)
        // The top layer comes back: active again, and the subscriber goes back up at its keyframe.
        receive(packet(.high))
        #expect(router.activeLayers(track: Self.track) == [.low, .medium, .high])
        #expect(publisher.takePLIs() == [Self.ssrcs[.high]])
        receive(packet(.high, keyframe: true))
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.high, .high))
    }

    @Test func unknownRIDNamesMapByOrder() throws {
        publishSimulcast(rids: ["a", "b"])
        subscribe()
        receive(Self.build(ssrc: 0xAAAA, sequence: 1, timestamp: 1, payloadType: Self.vp8,
                           extensions: [RTPHeaderExtensionElement(id: Self.ridID, data: Array("a".utf8))], payload: [0x10, 0x00, 1]))
        receive(Self.build(ssrc: 0xBBBB, sequence: 1, timestamp: 1, payloadType: Self.vp8,
                           extensions: [RTPHeaderExtensionElement(id: Self.ridID, data: Array("b".utf8))], payload: [0x10, 0x01, 2]))
        #expect(router.activeLayers(track: Self.track) == [.low, .medium])
        #expect(publisher.takePLIs() == [0xAAAA, 0xBBBB])
    }

    // MARK: Streams that are not forwarded

    @Test func repairStreamsAreNeverForwarded() throws {
        _ = try flowingAtHigh()
        // RTX with the repaired-rid extension, and RTX with only the mid: both recognised as repair.
        let repairedTagged = Self.build(ssrc: 0x7777, sequence: 1, timestamp: 1, payloadType: Self.rtx, extensions: [
            RTPHeaderExtensionElement(id: Self.midID, data: Array("0".utf8)), RTPHeaderExtensionElement(id: Self.repairedRIDID, data: Array("f".utf8)),
        ], payload: [0, 5, 0x10, 0x00, 1])
        let midOnly = Self.build(ssrc: 0x8888, sequence: 1, timestamp: 1, payloadType: Self.rtx,
                                 extensions: [RTPHeaderExtensionElement(id: Self.midID, data: Array("0".utf8))], payload: [0, 6, 0x10, 0x00, 1])
        receive(repairedTagged)
        receive(midOnly)
        receive(Self.build(ssrc: 0x7777, sequence: 2, timestamp: 2, payloadType: Self.rtx, payload: [0, 7, 0x10, 0x00, 1]))
        #expect(subscriber.takeRTP().isEmpty)
        #expect(router.activeLayers(track: Self.track) == [.low, .medium, .high])
        receive(packet(.high))
        #expect(subscriber.takeRTP().count == 1)
    }

    @Test func unknownSSRCWithoutExtensionsIsDroppedAndNotBound() throws {
        _ = try flowingAtHigh()
        let stranger = Self.build(ssrc: 0x9999, sequence: 1, timestamp: 1, payloadType: Self.vp8, payload: [0x10, 0x00, 9])
        receive(stranger)
        #expect(subscriber.takeRTP().isEmpty)
        // A mid of another section, or a rid this track does not send, does not bind it either.
        receive(Self.build(ssrc: 0x9999, sequence: 2, timestamp: 1, payloadType: Self.vp8,
                           extensions: [RTPHeaderExtensionElement(id: Self.midID, data: Array("7".utf8)), RTPHeaderExtensionElement(id: Self.ridID, data: Array("f".utf8))],
                           payload: [0x10, 0x00, 9]))
        receive(Self.build(ssrc: 0x9999, sequence: 3, timestamp: 1, payloadType: Self.vp8,
                           extensions: [RTPHeaderExtensionElement(id: Self.ridID, data: Array("x".utf8))], payload: [0x10, 0x00, 9]))
        receive(stranger)
        #expect(subscriber.takeRTP().isEmpty)
        #expect(publisher.takePLIs() == [])
    }

    @Test func singleLayerTrackWithoutSSRCLinesIsLearnedByMid() throws {
        let audio: TrackSID = "TR_AMsim"
        router.publish(track: audio, on: publisher, ssrcs: [], codecs: [111: "opus"],
                       streams: RTPStreamIdentification(mid: "1", midExtensionID: Self.midID))
        router.subscribe(track: audio, transport: subscriber, ssrc: 0x6000, payloadTypes: [111: 111], clockRate: 48_000)
        #expect(router.activeLayers(track: audio) == [.high])
        receive(Self.build(ssrc: 0xA0D1, sequence: 9, timestamp: 960, payloadType: 111,
                           extensions: [RTPHeaderExtensionElement(id: Self.midID, data: Array("2".utf8))], payload: [1, 2, 3]))
        #expect(subscriber.takeRTP().isEmpty)  // another section's mid
        receive(Self.build(ssrc: 0xA0D1, sequence: 10, timestamp: 1920, payloadType: 111,
                           extensions: [RTPHeaderExtensionElement(id: Self.midID, data: Array("1".utf8))], payload: [1, 2, 3]))
        receive(Self.build(ssrc: 0xA0D1, sequence: 11, timestamp: 2880, payloadType: 111, payload: [4, 5, 6]))
        let out = subscriber.takeRTP()
        #expect(out.map(\.ssrc) == [SSRC(0x6000), SSRC(0x6000)])
        #expect(out.count == 2 && out[1].sequenceNumber == out[0].sequenceNumber &+ 1)
        // A PLI names the learned SSRC.
        router.rtcpReceived(RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: 0x6000)).serialized(), from: subscriber)
        #expect(publisher.takePLIs() == [0xA0D1])
    }

    @Test func listedSSRCsStillRouteAndRTXOnesAreDroppedByPayloadType() throws {
        router.publish(track: Self.track, on: publisher, ssrcs: [0x4242, 0x4343], codecs: [Self.vp8: "vp8", Self.rtx: "rtx"])
        router.subscribe(track: Self.track, transport: subscriber, ssrc: Self.downSSRC, payloadTypes: [Self.vp8: Self.vp8], clockRate: 90_000)
        #expect(publisher.takePLIs() == [0x4242])
        receive(Self.build(ssrc: 0x4343, sequence: 1, timestamp: 1, payloadType: Self.rtx, payload: [0, 1, 0x10, 0x00]))
        receive(Self.build(ssrc: 0x4242, sequence: 1, timestamp: 1, payloadType: Self.vp8, payload: [0x10, 0x00, 1]))
        #expect(subscriber.takeRTP().map(\.payloadType) == [Self.vp8])
    }

    // MARK: RTCP

    @Test func subscriberPLIAndFIRAskForTheForwardedLayer() throws {
        _ = try flowingAtHigh()
        router.rtcpReceived(RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: SSRC(Self.downSSRC))).serialized(), from: subscriber)
        #expect(publisher.takePLIs() == [Self.ssrcs[.high]])
        router.updateSubscriberSettings(track: Self.track, transport: subscriber, settings: SimulcastSubscriberSettings(maxQuality: .low))
        _ = publisher.takePLIs()
        let fir = RTCPPacket.fir(RTCPFullIntraRequest(senderSSRC: 9, entries: [.init(ssrc: SSRC(Self.downSSRC), sequenceNumber: 1)]))
        router.rtcpReceived(fir.serialized(), from: subscriber)
        #expect(publisher.takePLIs() == [Self.ssrcs[.low]])  // the layer it is switching to
        // A PLI for an SSRC that is not this subscriber's down track asks for nothing.
        router.rtcpReceived(RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: 0x0BAD)).serialized(), from: subscriber)
        #expect(publisher.takePLIs() == [])
    }

    @Test func subscriberNACKIsAnsweredFromTheCacheWithIdenticalBytes() throws {
        let first = try flowingAtHigh()
        receive(packet(.high))
        let second = try #require(subscriber.takeRTP().first)
        let nack = RTCPPacket.nack(RTCPNack(senderSSRC: 9, mediaSSRC: SSRC(Self.downSSRC), lostSequenceNumbers: [first.sequenceNumber, second.sequenceNumber, 7]))
        router.rtcpReceived(nack.serialized(), from: subscriber)
        #expect(subscriber.takeRTP() == [first, second])
        #expect(router.retransmittedPackets == 2)
        #expect(publisher.takeRTCP().isEmpty)  // repaired locally, never forwarded upstream
    }

    @Test func rembTransportCCAndReportsAreIgnoredFromBothSides() throws {
        let first = try flowingAtHigh()
        let rtcpBefore = publisher.takeRTCP()
        #expect(rtcpBefore.isEmpty)
        let feedback = RTCPPacket.serializeCompound([
            // A subscriber that also publishes sends SRs for its own streams.
            .senderReport(RTCPSenderReport(ssrc: 9, ntpTimestamp: 2 << 32, rtpTimestamp: 48_000, packetCount: 50, octetCount: 5000)),
            .receiverReport(RTCPReceiverReport(ssrc: 9, reportBlocks: [RTCPReportBlock(ssrc: SSRC(Self.downSSRC), fractionLost: 12, extendedHighestSequenceNumber: 70_000)])),
            .sourceDescription(RTCPSourceDescription(ssrc: 9, cname: "subscriber")),
            .remb(RTCPREMB(senderSSRC: 9, bitrate: 150_000, ssrcs: [SSRC(Self.downSSRC)])),
            .transportCC(RTCPTransportCC(senderSSRC: 9, mediaSSRC: SSRC(Self.downSSRC), baseSequenceNumber: 10, packetStatusCount: 4,
                                         referenceTime: -2, feedbackPacketCount: 7, chunksAndDeltas: [0xD2, 0x40, 0x04, 0xFF, 0xFC, 0x08])),
        ])
        #expect(try RTCPPacket.parseCompound(feedback).count == 5)
        router.rtcpReceived(feedback, from: subscriber)
        // From the publisher: its sender report and the feedback it sends about our (absent) streams.
        let publisherFeedback = RTCPPacket.serializeCompound([
            .senderReport(RTCPSenderReport(ssrc: SSRC(Self.ssrcs[.high]!), ntpTimestamp: 1 << 32, rtpTimestamp: 3000, packetCount: 10, octetCount: 1000)),
            .sourceDescription(RTCPSourceDescription(ssrc: SSRC(Self.ssrcs[.high]!), cname: "publisher")),
            .remb(RTCPREMB(senderSSRC: SSRC(Self.ssrcs[.high]!), bitrate: 2_000_000, ssrcs: [SSRC(Self.downSSRC)])),
            .transportCC(RTCPTransportCC(senderSSRC: SSRC(Self.ssrcs[.high]!), mediaSSRC: 1, baseSequenceNumber: 1, packetStatusCount: 1,
                                         referenceTime: 0, feedbackPacketCount: 0, chunksAndDeltas: [0x20, 0x01, 0x04])),
        ])
        router.rtcpReceived(publisherFeedback, from: publisher)
        #expect(publisher.takeRTCP().isEmpty)
        #expect(subscriber.takeRTCP().isEmpty)
        #expect(subscriber.takeRTP().isEmpty)

        // Forwarding goes on, numbering unchanged.
        receive(packet(.high))
        receive(packet(.high))
        let out = subscriber.takeRTP()
        #expect(out.map(\.sequenceNumber) == [first.sequenceNumber &+ 1, first.sequenceNumber &+ 2])
        #expect(router.forwardedPackets == 3)
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.high, .high))
    }

    @Test func feedbackInTheSameCompoundDoesNotHideAPLI() throws {
        _ = try flowingAtHigh()
        let compound = RTCPPacket.serializeCompound([
            .receiverReport(RTCPReceiverReport(ssrc: 9, reportBlocks: [RTCPReportBlock(ssrc: SSRC(Self.downSSRC))])),
            .remb(RTCPREMB(senderSSRC: 9, bitrate: 80_000, ssrcs: [SSRC(Self.downSSRC)])),
            .pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: SSRC(Self.downSSRC))),
            .transportCC(RTCPTransportCC(senderSSRC: 9, mediaSSRC: SSRC(Self.downSSRC), baseSequenceNumber: 1, packetStatusCount: 1,
                                         referenceTime: 0, feedbackPacketCount: 1, chunksAndDeltas: [0x20, 0x01, 0x04])),
        ])
        router.rtcpReceived(compound, from: subscriber)
        // Exactly the PLI's effect: one PLI for the forwarded layer, nothing for the REMB or transport-cc (the
        // publisher's encoder rate is its own business: we neither relay nor generate estimates).
        #expect(publisher.takeRTCP().map(Self.kind) == ["pli"])
        receive(packet(.high))
        #expect(subscriber.takeRTP().count == 1)
    }

    @Test func aLowREMBDoesNotMoveTheSubscriberOffItsLayer() throws {
        _ = try flowingAtHigh()
        for bitrate: UInt64 in [10_000, 1_000, 0] {
            router.rtcpReceived(RTCPPacket.remb(RTCPREMB(senderSSRC: 9, bitrate: bitrate, ssrcs: [SSRC(Self.downSSRC)])).serialized(), from: subscriber)
            receive(packet(.high))
            receive(packet(.low, keyframe: true))
        }
        #expect(subscriber.takeRTP().count == 3)
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (.high, .high))
        #expect(publisher.takeRTCP().isEmpty)
    }

    static func kind(_ packet: RTCPPacket) -> String {
        switch packet {
        case .pli: "pli"
        case .fir: "fir"
        case .remb: "remb"
        case .transportCC: "transport-cc"
        case .nack: "nack"
        default: "other"
        }
    }

    // MARK: Echo

    @Test func anEchoTrackFollowsItsSourcesLayersWithItsOwnNumberingAndAsksItsPublisherForKeyframes() throws {
        let first = try flowingAtHigh()
        let echo: TrackSID = "TR_VCecho"
        let viewer = RecordingTransport()
        router.echo(track: echo, source: Self.track)
        router.subscribe(track: echo, transport: viewer, ssrc: 0x7000, payloadTypes: [Self.vp8: Self.vp8], clockRate: 90_000)
        #expect(router.activeLayers(track: echo) == [.low, .medium, .high])
        #expect(publisher.takePLIs() == [Self.ssrcs[.high]])  // the echo's subscriber needs a keyframe of the source
        receive(packet(.high))  // a delta: the echo viewer waits, the source's subscriber gets it
        #expect(viewer.takeRTP().isEmpty)
        receive(packet(.high, keyframe: true))
        let seen = viewer.takeRTP()
        #expect(seen.map(\.ssrc) == [SSRC(0x7000)])
        #expect(subscriber.takeRTP().map(\.sequenceNumber) == [first.sequenceNumber &+ 1, first.sequenceNumber &+ 2])
        // Its own settings and PLIs act on the source's layers.
        router.updateSubscriberSettings(track: echo, transport: viewer, settings: SimulcastSubscriberSettings(maxQuality: .low))
        #expect(publisher.takePLIs() == [Self.ssrcs[.low]])
        router.rtcpReceived(RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: 0x7000)).serialized(), from: viewer)
        #expect(publisher.takePLIs() == [Self.ssrcs[.low]])
        receive(packet(.low, keyframe: true))
        #expect(viewer.takeRTP().map(\.sequenceNumber) == [seen[0].sequenceNumber &+ 1])
        #expect(subscriber.takeRTP().isEmpty)  // still on high
        // No loops.
        router.echo(track: Self.track, source: echo)
        receive(packet(.high))
        #expect(subscriber.takeRTP().count == 1)
    }

    // MARK: Lifecycle

    @Test func publisherLeavingPausesDownTracksAndARepublishResumesThem() throws {
        let first = try flowingAtHigh()
        router.remove(publisher)
        #expect(router.forwardedLayers(track: Self.track, transport: subscriber)! == (nil, nil))
        #expect(router.activeLayers(track: Self.track) == [])
        let again = RecordingTransport()
        router.publish(track: Self.track, on: again, ssrcs: [0x4242], codecs: [Self.vp8: "vp8"])
        #expect(again.takePLIs() == [0x4242])
        clock.advance(by: .seconds(1))
        router.rtpReceived(Self.build(ssrc: 0x4242, sequence: 7, timestamp: 90, payloadType: Self.vp8, payload: [0x10, 0x00, 1]), from: again)
        let resumed = try #require(subscriber.takeRTP().first)
        #expect(resumed.sequenceNumber == first.sequenceNumber &+ 1)
        #expect(resumed.timestamp == first.timestamp &+ 90_000)
    }
}
