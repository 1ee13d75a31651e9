import SimRTP
import Synchronization

/// The synchronous receive path of one `PeerTransport` (house style §7): on the ICE loop thread, each SRTP or SRTCP
/// datagram is copied once into a reusable buffer, decrypted in place (libsrtp) and handed to the transport's
/// `MediaPacketSink` — no task hop, no lock, no allocation in steady state. Until a sink is attached, decrypted
/// packets go to the transport's event callback instead (`.rtp` / `.rtcp`, on the same thread). DTLS and every other
/// datagram class are left to the transport's event pump (RFC 7983 demultiplexing by first byte).
final class MediaIngress: @unchecked Sendable {
    /// The keys, installed once when DTLS completes; SRTP before them is dropped.
    private let inbound = AtomicLazyReference<InboundKeys>()
    /// The sink, attached once when the transport's room is known.
    private let sink = AtomicLazyReference<SinkBinding>()
    private let fallback: @Sendable (PeerTransport.Event) -> Void
    /// Where packets are decrypted. Only the receive thread touches it.
    private var buffer: [UInt8] = []

    /// An ingress that reports to `fallback` until a sink is attached.
    init(fallback: @escaping @Sendable (PeerTransport.Event) -> Void) {
        self.fallback = fallback
    }

    /// Installs the inbound SRTP context (the first call wins; DTLS keys a transport once).
    func install(_ context: SRTPContext) {
        _ = inbound.storeIfNil(InboundKeys(context: context))
    }

    /// Sends decrypted media to `sink` from now on, tagged with `source` (the first call wins).
    func attach(_ sink: any MediaPacketSink, source: ObjectIdentifier) {
        _ = self.sink.storeIfNil(SinkBinding(sink: sink, source: source))
    }

    /// Whether a sink receives the media.
    var hasSink: Bool { sink.load() != nil }

    /// Takes one received datagram on the receive thread; true when it was SRTP/SRTCP (consumed, delivered or
    /// dropped), false when the event pump should handle it.
    func datagramReceived(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, PacketClass(firstByte: first) == .rtpOrRTCP else { return false }
        guard bytes.count > 1, let keys = inbound.load() else { return true }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes)
        let target = sink.load()
        if PacketClass.isRTCP(secondByte: bytes[1]) {
            guard (try? keys.context.unprotectRTCP(&buffer)) != nil else { return true }
            if let target { target.sink.rtcpReceived(buffer, from: target.source) } else { fallback(.rtcp(buffer)) }
        } else {
            guard (try? keys.context.unprotectRTP(&buffer)) != nil else { return true }
            if let target { target.sink.rtpReceived(buffer, from: target.source) } else { fallback(.rtp(buffer)) }
        }
        return true
    }
}

/// The inbound SRTP context; only the receive thread uses it after installation.
private final class InboundKeys: @unchecked Sendable {
    let context: SRTPContext
    init(context: SRTPContext) { self.context = context }
}

/// A sink and the source id it is told.
private final class SinkBinding: Sendable {
    let sink: any MediaPacketSink
    let source: ObjectIdentifier
    init(sink: any MediaPacketSink, source: ObjectIdentifier) {
        self.sink = sink
        self.source = source
    }
}
