import SimCore

/// Rewrites the packets of one selected simulcast layer into the continuous RTP stream of one downtrack.
///
/// Modelled on LiveKit's `pkg/sfu/rtpmunger.go`. Per downtrack the munger keeps:
/// - one outgoing SSRC, whatever layer is forwarded;
/// - contiguous outgoing sequence numbers: a layer switch leaves no gap, a real loss within a layer keeps its
///   gap (so the subscriber NACKs it), reordered packets within a layer map consistently, packets of the new
///   layer from before the switch point are dropped, and in-order padding-only packets are dropped without a gap;
/// - continuous outgoing timestamps: after a switch (or a pause) the first packet follows the last sent
///   timestamp plus the elapsed time × clock rate (at least +1);
/// - the incoming → subscriber payload type mapping.
///
/// Switching happens only on a keyframe of the target layer (`IncomingPacket.isKeyframe`, set by the caller on
/// the packet that starts the keyframe; audio sets it on every packet); until then the current layer keeps
/// flowing. Sans-I/O and allocation-free per packet once constructed.
public struct RTPMunger: Sendable {
    /// One incoming RTP packet, reduced to the fields the munger reads.
    public struct IncomingPacket: Sendable, Equatable {
        /// The simulcast layer the packet belongs to (`.high` for a single-layer track).
        public var layer: SimulcastLayer
        /// The publisher's RTP sequence number.
        public var sequenceNumber: UInt16
        /// The publisher's RTP timestamp.
        public var timestamp: UInt32
        /// The publisher's RTP payload type.
        public var payloadType: UInt8
        /// Payload bytes after the header and before padding; 0 marks a padding-only (probing) packet.
        public var payloadLength: Int
        /// Whether this packet starts a keyframe (a decodable switch point); the caller parses the codec payload.
        public var isKeyframe: Bool

        /// Collects the fields of one packet.
        public init(
            layer: SimulcastLayer, sequenceNumber: UInt16, timestamp: UInt32, payloadType: UInt8,
            payloadLength: Int, isKeyframe: Bool
        ) {
            self.layer = layer
            self.sequenceNumber = sequenceNumber
            self.timestamp = timestamp
            self.payloadType = payloadType
            self.payloadLength = payloadLength
            self.isKeyframe = isKeyframe
        }
    }

    /// What to do with one incoming packet.
    public enum Decision: Sendable, Equatable {
        /// Send the packet to the subscriber with these header fields rewritten.
        case forward(seq: UInt16, timestamp: UInt32, ssrc: UInt32, payloadType: UInt8)
        /// Do not send the packet.
        case drop(DropReason)
    }

    /// Why a packet was not forwarded.
    public enum DropReason: Sendable, Equatable {
        /// No layer is targeted (the subscriber paused or nothing is published).
        case noTargetLayer
        /// Nothing has been forwarded for the target layer yet and this packet does not start a keyframe.
        case waitingForKeyframe
        /// The packet belongs to a layer that is not being forwarded.
        case layerNotSelected
        /// The packet is of the forwarded layer but older than the keyframe the munger switched on.
        case beforeSwitch
        /// An in-order padding-only packet: skipped without leaving a sequence gap.
        case paddingOnly
        /// The subscriber has no payload type for this incoming payload type.
        case unmappedPayloadType(UInt8)
        /// A reordered packet too old to map: more padding was skipped since than the munger remembers.
        case tooOld
    }

    /// How many skipped padding sequence numbers the munger remembers for mapping reordered packets.
    public static let paddingHistoryCapacity = 16

    /// The downtrack's own SSRC, stamped on every forwarded packet.
    public let ssrc: UInt32
    /// The RTP clock rate of the codec (90000 for video, 48000 for Opus).
    public let clockRate: UInt32
    /// Incoming → subscriber payload types.
    public var payloadTypes: PayloadTypeMap

    /// The layer the subscriber should get, or `nil` to forward nothing.
    public private(set) var targetLayer: SimulcastLayer?
    /// The layer being forwarded now, or `nil` before the first keyframe and while paused.
    public private(set) var currentLayer: SimulcastLayer?
    /// The highest outgoing extended sequence number sent so far, or `nil` before the first packet; like
    /// `SequenceUnwrapper`, it starts one cycle up (2^16 + `initialSequence`). The low 16 bits are on the wire.
    public private(set) var extLastSequence: UInt64?
    /// The highest outgoing extended timestamp sent so far, or `nil` before the first packet; it starts one
    /// cycle up (2^32 + `initialTimestamp`). The low 32 bits are on the wire.
    public private(set) var extLastTimestamp: UInt64?

    private let initialSequence: UInt16
    private let initialTimestamp: UInt32
    /// When the packet carrying `extLastTimestamp` was forwarded (first packet of the newest frame).
    private var lastTimestampAt = SimInstant.zero

    /// Extends the current layer's incoming sequence numbers and timestamps.
    private var incomingSequences = SequenceUnwrapper()
    private var incomingTimestamps = TimestampUnwrapper()
    /// The extended incoming sequence number of the keyframe the current layer started with.
    private var extFirstIncoming: UInt64 = 0
    /// The highest extended incoming sequence number of the current layer.
    private var extHighestIncoming: UInt64 = 0
    /// outgoing ext seq = incoming ext seq &- sequenceOffset (for in-order packets).
    private var sequenceOffset: UInt64 = 0
    /// outgoing ext timestamp = incoming ext timestamp &- timestampOffset.
    private var timestampOffset: UInt64 = 0
    /// The most recent skipped (padding) incoming sequence numbers, a ring; preallocated.
    private var skippedPadding: [UInt64]
    /// How many padding packets were skipped since the switch (may exceed the ring's capacity).
    private var skippedPaddingCount = 0

    /// Creates the munger for one downtrack.
    ///
    /// - Parameters:
    ///   - ssrc: the downtrack's SSRC, announced in the subscriber SDP.
    ///   - clockRate: the codec's RTP clock rate in Hz.
    ///   - payloadTypes: incoming → subscriber payload types (default: unchanged).
    ///   - initialSequence: the first outgoing sequence number (RFC 3550 §5.1: random; pass a seeded value).
    ///   - initialTimestamp: the first outgoing timestamp (RFC 3550 §5.1: random; pass a seeded value).
    public init(
        ssrc: UInt32, clockRate: UInt32, payloadTypes: PayloadTypeMap = .identity,
        initialSequence: UInt16 = 0, initialTimestamp: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.clockRate = clockRate
        self.payloadTypes = payloadTypes
        self.initialSequence = initialSequence
        self.initialTimestamp = initialTimestamp
        skippedPadding = [UInt64](repeating: 0, count: Self.paddingHistoryCapacity)
    }

    /// Whether the munger waits for a keyframe of the target layer (the shell keeps PLI going while true).
    public var isWaitingForKeyframe: Bool { targetLayer != nil && targetLayer != currentLayer }

    /// Records the selector's new target; `nil` pauses forwarding at once, a different layer switches on its
    /// next keyframe while the current layer keeps flowing.
    public mutating func targetLayerChanged(to layer: SimulcastLayer?) {
        targetLayer = layer
        if layer == nil { currentLayer = nil }
    }

    /// Decides the fate of one incoming packet and, for a forwarded one, its rewritten header fields.
    ///
    /// - Parameters:
    ///   - packet: the incoming packet's fields.
    ///   - now: when the packet is forwarded (for timestamp continuity across switches).
    public mutating func packetReceived(_ packet: IncomingPacket, now: SimInstant) -> Decision {
        guard let target = targetLayer else { return .drop(.noTargetLayer) }
        guard let payloadType = payloadTypes.outgoing(for: packet.payloadType) else {
            return .drop(.unmappedPayloadType(packet.payloadType))
        }
        if packet.layer == target, target != currentLayer {
            if packet.isKeyframe {
                return switchLayer(to: packet, payloadType: payloadType, now: now)
            }
            if currentLayer == nil { return .drop(.waitingForKeyframe) }
        }
        guard packet.layer == currentLayer else { return .drop(.layerNotSelected) }

        let extIncoming = incomingSequences.unwrap(packet.sequenceNumber)
        let extIncomingTimestamp = incomingTimestamps.unwrap(packet.timestamp)
        if extIncoming < extFirstIncoming { return .drop(.beforeSwitch) }

        let extOutgoing: UInt64
        if extIncoming > extHighestIncoming {
            extHighestIncoming = extIncoming
            if packet.payloadLength == 0 {
                // Padding carries no media: skip its number so the subscriber sees no gap.
                skippedPadding[skippedPaddingCount % Self.paddingHistoryCapacity] = extIncoming
                skippedPaddingCount += 1
                sequenceOffset &+= 1
                return .drop(.paddingOnly)
            }
            extOutgoing = extIncoming &- sequenceOffset
            extLastSequence = extOutgoing
        } else {
            switch mapReordered(extIncoming) {
            case .offset(let offset): extOutgoing = extIncoming &- offset
            case .skippedPadding: return .drop(.paddingOnly)
            case .tooOld: return .drop(.tooOld)
            }
        }
        let extOutgoingTimestamp = extIncomingTimestamp &- timestampOffset
        if let last = extLastTimestamp, extOutgoingTimestamp > last {
            extLastTimestamp = extOutgoingTimestamp
            lastTimestampAt = now
        }
        return .forward(
            seq: UInt16(truncatingIfNeeded: extOutgoing),
            timestamp: UInt32(truncatingIfNeeded: extOutgoingTimestamp),
            ssrc: ssrc,
            payloadType: payloadType
        )
    }

    /// Starts forwarding `packet`'s layer from this keyframe, continuing the outgoing sequence and timestamps.
    private mutating func switchLayer(to packet: IncomingPacket, payloadType: UInt8, now: SimInstant) -> Decision {
        currentLayer = packet.layer
        incomingSequences.reset()
        incomingTimestamps.reset()
        extFirstIncoming = incomingSequences.unwrap(packet.sequenceNumber)
        extHighestIncoming = extFirstIncoming
        let extIncomingTimestamp = incomingTimestamps.unwrap(packet.timestamp)
        skippedPaddingCount = 0

        // Outgoing extended values start one cycle up, so reordered values never underflow.
        let extOutgoing = extLastSequence.map { $0 + 1 } ?? SequenceUnwrapper.period + UInt64(initialSequence)
        let extOutgoingTimestamp: UInt64
        if let last = extLastTimestamp {
            let elapsed = SenderReportGenerator.rtpTicks(elapsed: now - lastTimestampAt, clockRate: clockRate)
            extOutgoingTimestamp = last + max(1, elapsed)
        } else {
            extOutgoingTimestamp = TimestampUnwrapper.period + UInt64(initialTimestamp)
        }
        sequenceOffset = extFirstIncoming &- extOutgoing
        timestampOffset = extIncomingTimestamp &- extOutgoingTimestamp
        extLastSequence = extOutgoing
        extLastTimestamp = extOutgoingTimestamp
        lastTimestampAt = now
        return .forward(
            seq: UInt16(truncatingIfNeeded: extOutgoing),
            timestamp: UInt32(truncatingIfNeeded: extOutgoingTimestamp),
            ssrc: ssrc,
            payloadType: payloadType
        )
    }

    /// How a reordered packet maps.
    private enum ReorderedMapping {
        /// Apply this sequence offset.
        case offset(UInt64)
        /// The packet is a padding packet that was skipped (a duplicate).
        case skippedPadding
        /// Older than the remembered padding history: the offset is unknown.
        case tooOld
    }

    /// The sequence offset that applied when the reordered `extIncoming` would have arrived in order:
    /// the current offset minus the padding skipped after it.
    private func mapReordered(_ extIncoming: UInt64) -> ReorderedMapping {
        let remembered = min(skippedPaddingCount, Self.paddingHistoryCapacity)
        if skippedPaddingCount > Self.paddingHistoryCapacity {
            let oldest = skippedPadding[skippedPaddingCount % Self.paddingHistoryCapacity]
            if extIncoming < oldest { return .tooOld }
        }
        var offset = sequenceOffset
        for index in 0..<remembered {
            let skipped = skippedPadding[index]
            if skipped == extIncoming { return .skippedPadding }
            if skipped > extIncoming { offset &-= 1 }
        }
        return .offset(offset)
    }
}
