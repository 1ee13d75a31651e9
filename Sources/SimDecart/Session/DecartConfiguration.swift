/// Settings of the Decart control server core, with documented defaults.
public struct DecartConfiguration: Sendable, Equatable {
    /// Accepted API keys; nil (the default) is dev mode: any non-empty key (reference §1).
    public var apiKeys: Set<String>?
    /// Accepted models; nil (the default) accepts any non-empty `model`.
    public var models: Set<String>?
    /// Accepted `resolution` values (default `720p`, `1080p`; reference §1).
    public var resolutions: Set<String> = ["720p", "1080p"]
    /// The largest text frame, in bytes (default 32 MiB; reference §9.1).
    public var maximumFrameBytes = DecartMessageDecoder.defaultMaximumFrameBytes
    /// Sessions active at once; nil (the default) is unlimited, so nobody queues.
    public var maxActiveSessions: Int?
    /// Sessions that may wait for a slot (default 16); one more is refused with close 1013.
    public var maxWaitingSessions = 16
    /// Generation time after which the session ends with `generation_ended{reason:"timeout"}`; nil (default) = none.
    public var maxSessionDuration: Duration?
    /// The `generation_tick` period (default 1 s).
    public var tickInterval: Duration = .seconds(1)
    /// The `server_metrics` period (default 1 s).
    public var metricsInterval: Duration = .seconds(1)
    /// Room names are this prefix plus the session id (default `decart-`).
    public var roomNamePrefix = "decart-"
    /// Protocol choices (defaults are the compatible ones).
    public var rules = DecartRules()

    /// The default configuration.
    public init() {}
}
