import SimCore

/// Polices selected packets to a bit rate with a token bucket: the bucket holds `burst` bytes, refills at the rate,
/// and a packet passes only if its `payloadBytes` fit (then they are taken out); otherwise it is dropped.
/// Packets without a size pass unmetered. All arithmetic is in integers, so decisions are exact and repeatable.
public struct BandwidthCapFault: FaultFilter {
    /// The packets.
    public let selector: MessageSelector
    /// The rate.
    public let rate: Bitrate
    /// The bucket size.
    public let burst: ByteCount
    private let end: SimInstant?
    /// Tokens in byte·nanoseconds-per-second units: bytes × 1e9, so a refill of `elapsed ns × bytes/s` adds exactly.
    private var scaledTokens: Int64
    private var lastRefill: SimInstant
    private var over = false

    private static let scale: Int64 = 1_000_000_000

    /// A cap installed at `start` with a full bucket, lasting `during` (nil: until removed).
    public init(selector: MessageSelector, rate: Bitrate, burst: ByteCount = BandwidthParameters.defaultBurst,
                during: Duration? = nil, start: SimInstant) {
        self.selector = selector
        self.rate = rate
        self.burst = burst
        end = during.map { start + $0 }
        scaledTokens = Int64(burst.bytes) * Self.scale
        lastRefill = start
    }

    private var capacity: Int64 { Int64(burst.bytes) * Self.scale }

    private mutating func refill(now: SimInstant) {
        guard now > lastRefill else { return }
        let elapsed = (now - lastRefill).nanosecondsClamped
        lastRefill = now
        let perSecond = rate.bytesPerSecond
        guard perSecond > 0 else { return }
        // Once a full bucket's worth of time has passed the bucket is full; this also keeps the product in range.
        let fillTime = (capacity - scaledTokens) / perSecond + 1
        scaledTokens = elapsed >= fillTime ? capacity : min(capacity, scaledTokens + elapsed * perSecond)
    }

    /// Passes the packet if its bytes fit in the bucket, else drops it.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !over, selector.matches(message.context), let bytes = message.context.payloadBytes else { return .pass }
        if let end, now >= end { return .pass }
        refill(now: now)
        let cost = Int64(bytes) * Self.scale
        guard cost <= scaledTokens else { return .drop }
        scaledTokens -= cost
        return .pass
    }

    /// Ends the cap.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        if let end, now >= end { over = true }
        return []
    }

    /// The end, if any.
    public var nextDeadline: SimInstant? { over ? nil : end }
    /// Done once over.
    public var isFinished: Bool { over }
    /// `bandwidth 500kbps burst 12000B <selector>`.
    public var summary: String { "bandwidth \(rate) burst \(burst) \(selector)" }
}
