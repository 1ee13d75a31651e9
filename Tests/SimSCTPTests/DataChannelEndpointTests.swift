import SimCore
import Testing
@testable import SimSCTP

@Suite("Data channels over SCTP: DCEP open/ack, labelled messages, close by stream reset")
struct DataChannelEndpointTests {
    @Test("DCEP OPEN round-trips with its type, reliability, label and protocol; ACK is one byte")
    func codec() {
        let open = DataChannelOpen(channelType: 0x81, priority: 256, reliability: 0, label: "_lossy", protocol: "")
        #expect(DCEPMessage(DCEPMessage.open(open).bytes) == .open(open))
        #expect(DCEPMessage.ack.bytes == [0x02] && DCEPMessage([0x02]) == .ack)
        #expect(DCEPMessage([0x03, 0, 0]) == nil && DCEPMessage([]) == nil && DCEPMessage([0x07]) == nil)
        #expect(open.unordered && open.maxRetransmits == 0)
        #expect(DataChannelOpen(channelType: 0x00, label: "_reliable").maxRetransmits == nil)
    }

    /// A client association (opening channels with DCEP, as libwebrtc does) against our endpoint.
    struct Wire {
        var client = SCTPAssociation(seed: 77)
        var server = DataChannelEndpoint(seed: 78)
        var now = SimInstant.zero
        var serverEvents: [DataChannelEndpoint.Action] = []
        var clientMessages: [SCTPMessage] = []

        mutating func pump(fromClient: [SCTPAssociation.Action]) {
            var toServer = fromClient.compactMap { if case .sendPacket(let bytes) = $0 { bytes } else { nil } }
            clientMessages += fromClient.compactMap { if case .messageReceived(let message) = $0 { message } else { nil } }
            for _ in 0..<50 where !toServer.isEmpty {
                var toClient: [[UInt8]] = []
                for bytes in toServer {
                    let actions = server.packetReceived(bytes, now: now)
                    serverEvents += actions.filter { if case .sendPacket = $0 { false } else if case .armTimer = $0 { false } else if case .cancelTimer = $0 { false } else { true } }
                    toClient += actions.compactMap { if case .sendPacket(let bytes) = $0 { bytes } else { nil } }
                }
                toServer = []
                for bytes in toClient {
                    let actions = client.packetReceived(bytes, now: now)
                    clientMessages += actions.compactMap { if case .messageReceived(let message) = $0 { message } else { nil } }
                    toServer += actions.compactMap { if case .sendPacket(let bytes) = $0 { bytes } else { nil } }
                }
                now = now + .milliseconds(1)
            }
        }
    }

    @Test("a client opens _reliable and _lossy: each is acknowledged on its stream and messages come out labelled")
    func openAndMessages() throws {
        var wire = Wire()
        wire.pump(fromClient: wire.client.start(now: wire.now))
        let serverStart = wire.server.start(now: wire.now)  // both ends send INIT
        for case .sendPacket(let bytes) in serverStart { wire.pump(fromClient: wire.client.packetReceived(bytes, now: wire.now)) }
        #expect(wire.client.isEstablished && wire.server.association.isEstablished)

        let reliable = DataChannelOpen(channelType: 0x00, label: "_reliable")
        let lossy = DataChannelOpen(channelType: 0x81, label: "_lossy")
        wire.pump(fromClient: wire.client.send(DCEPMessage.open(reliable).bytes, stream: 1, ppid: 50, now: wire.now))
        wire.pump(fromClient: wire.client.send(DCEPMessage.open(lossy).bytes, stream: 3, ppid: 50, now: wire.now))
        #expect(wire.serverEvents.contains(.channelOpened(.init(id: 1, label: "_reliable", open: reliable))))
        #expect(wire.serverEvents.contains(.channelOpened(.init(id: 3, label: "_lossy", open: lossy))))
        #expect(wire.clientMessages.filter { $0.ppid == 50 && $0.payload == [0x02] }.map(\.stream).sorted() == [1, 3])

        wire.pump(fromClient: wire.client.send(Array("hi".utf8), stream: 1, ppid: 51, now: wire.now))
        wire.pump(fromClient: wire.client.send([9, 9], stream: 3, ppid: 53, ordered: false, maxRetransmits: 0, now: wire.now))
        wire.pump(fromClient: wire.client.send([0], stream: 1, ppid: 57, now: wire.now))
        let messages = wire.serverEvents.compactMap { action -> (String, Bool, [UInt8])? in
            if case .messageReceived(let channel, let binary, let payload) = action { (channel.label, binary, payload) } else { nil }
        }
        #expect(messages.map(\.0) == ["_reliable", "_lossy", "_reliable"])
        #expect(messages.map(\.1) == [false, true, true] && messages.map(\.2) == [Array("hi".utf8), [9, 9], []])

        // Our sends follow the channel's settings.
        let reply = wire.server.send([], binary: false, on: 1, now: wire.now)
        for case .sendPacket(let bytes) in reply { wire.pump(fromClient: wire.client.packetReceived(bytes, now: wire.now)) }
        #expect(wire.clientMessages.last == SCTPMessage(stream: 1, ppid: 56, unordered: false, payload: [0]))
        #expect(wire.server.send([1], on: 9, now: wire.now).contains { if case .dropped = $0 { true } else { false } })

        // The client closes _lossy: the server resets its side and forgets the channel.
        wire.pump(fromClient: wire.client.resetStreams([3], now: wire.now))
        #expect(wire.serverEvents.contains(.channelClosed(.init(id: 3, label: "_lossy", open: lossy))))
        #expect(wire.server.channel(labelled: "_lossy") == nil && wire.server.channel(labelled: "_reliable")?.id == 1)
        // Data on a stream no DCEP opened is dropped and reported.
        wire.pump(fromClient: wire.client.send([1], stream: 7, ppid: 53, now: wire.now))
        #expect(wire.serverEvents.contains { if case .dropped(let why) = $0 { why.contains("stream 7") } else { false } })
    }

    @Test("we open channels of our own (odd ids as the DTLS server): pending until the association is up, ordered until the ACK")
    func ownChannels() throws {
        var wire = Wire()
        let reliable = DataChannelOpen(channelType: 0x00, label: "_reliable")
        let lossy = DataChannelOpen(channelType: 0x81, label: "_lossy")
        #expect(wire.server.open(reliable, dtlsClient: false, now: wire.now).isEmpty)  // not up yet: kept for later
        wire.pump(fromClient: wire.client.start(now: wire.now))
        let serverStart = wire.server.start(now: wire.now)
        for case .sendPacket(let bytes) in serverStart { wire.pump(fromClient: wire.client.packetReceived(bytes, now: wire.now)) }
        #expect(wire.server.association.isEstablished)
        // The kept open went out with the association; a second one goes at once, on the next odd id.
        var opened = wire.server.open(lossy, dtlsClient: false, now: wire.now)
        // Before the ACK a message on the lossy channel goes ordered and reliable (RFC 8832 §6).
        opened += wire.server.send([7], on: 3, now: wire.now)
        for case .sendPacket(let bytes) in opened { wire.pump(fromClient: wire.client.packetReceived(bytes, now: wire.now)) }
        let opens = wire.clientMessages.filter { $0.ppid == 50 }
        #expect(opens.map(\.stream) == [1, 3] && opens.map { DCEPMessage($0.payload) } == [.open(reliable), .open(lossy)])
        #expect(wire.clientMessages.last == SCTPMessage(stream: 3, ppid: 53, unordered: false, payload: [7]))
        #expect(wire.server.unacknowledged == [1, 3] && !wire.serverEvents.contains { if case .channelOpened = $0 { true } else { false } })
        // The peer's ACKs: each channel is reported open, and lossy sends go unordered from then on.
        wire.pump(fromClient: wire.client.send(DCEPMessage.ack.bytes, stream: 1, ppid: 50, now: wire.now))
        wire.pump(fromClient: wire.client.send(DCEPMessage.ack.bytes, stream: 3, ppid: 50, now: wire.now))
        #expect(wire.serverEvents.contains(.channelOpened(.init(id: 1, label: "_reliable", open: reliable))))
        #expect(wire.serverEvents.contains(.channelOpened(.init(id: 3, label: "_lossy", open: lossy))))
        #expect(wire.server.unacknowledged.isEmpty)
        for case .sendPacket(let bytes) in wire.server.send([8], on: 3, now: wire.now) { wire.pump(fromClient: wire.client.packetReceived(bytes, now: wire.now)) }
        #expect(wire.clientMessages.last == SCTPMessage(stream: 3, ppid: 53, unordered: true, payload: [8]))
        // An ACK for a stream we never opened is a logged drop; as the DTLS client our ids are even.
        wire.pump(fromClient: wire.client.send(DCEPMessage.ack.bytes, stream: 5, ppid: 50, now: wire.now))
        #expect(wire.serverEvents.contains { if case .dropped(let why) = $0 { why.contains("did not open") } else { false } })
        var client = DataChannelEndpoint(seed: 5)
        _ = client.start(now: .zero)
        #expect(client.open(reliable, dtlsClient: true, now: .zero).isEmpty && client.channels.isEmpty)
    }
}
