/// `loss`: drop a seeded share of packets.
public struct LossParameters: Sendable, Equatable {
    /// The packets.
    public var selector: MessageSelector
    /// The share.
    public var percent: Percentage
    /// Lifetime.
    public var limits: FaultLimits

    /// Parameters.
    public init(selector: MessageSelector, percent: Percentage, limits: FaultLimits = .unlimited) {
        self.selector = selector
        self.percent = percent
        self.limits = limits
    }
}

/// `freeze`: drop every selected packet for a time (the picture freezes, then recovers on the next keyframe).
public struct FreezeParameters: Sendable, Equatable {
    /// The packets.
    public var selector: MessageSelector
    /// How long.
    public var duration: Duration

    /// Parameters.
    public init(selector: MessageSelector, duration: Duration) {
        self.selector = selector
        self.duration = duration
    }
}

/// `drop_keyframes`: drop packets of keyframes.
public struct DropKeyframesParameters: Sendable, Equatable {
    /// The packets.
    public var selector: MessageSelector
    /// Lifetime (`count` counts dropped packets).
    public var limits: FaultLimits

    /// Parameters.
    public init(selector: MessageSelector, limits: FaultLimits = .unlimited) {
        self.selector = selector
        self.limits = limits
    }
}

/// `bandwidth`: police selected packets to a rate with a token bucket (packets over the rate are dropped).
public struct BandwidthParameters: Sendable, Equatable {
    /// The packets.
    public var selector: MessageSelector
    /// The rate.
    public var rate: Bitrate
    /// The bucket size (the largest burst passed at full speed).
    public var burst: ByteCount
    /// How long the cap stays (nil: until the scenario ends).
    public var during: Duration?

    /// The default burst: ten full-size RTP packets.
    public static let defaultBurst = ByteCount(12_000)

    /// Parameters.
    public init(selector: MessageSelector, rate: Bitrate, burst: ByteCount = defaultBurst, during: Duration? = nil) {
        self.selector = selector
        self.rate = rate
        self.burst = burst
        self.during = during
    }
}
