import SimCore

/// Signalling settings; every default is documented in the README's configuration reference.
public struct SignalConfiguration: Sendable, Equatable {
    /// `ServerInfo.version`: the LiveKit server version we emulate. Must be semver ≥ 1.8 (reference §8.3).
    public var serverVersion: String = "1.13.5"
    /// `ServerInfo.protocol`: the signal protocol we speak (LiveKit's current, 17).
    public var protocolVersion: Int32 = 17
    /// `ServerInfo.region`.
    public var region: String = "sfusim"
    /// `JoinResponse.ping_interval` in seconds (> 0; Rust panics on 0).
    public var pingInterval: Int32 = 5
    /// `JoinResponse.ping_timeout` in seconds (> 0).
    public var pingTimeout: Int32 = 15
    /// Answer 404 on `/rtc/v1` and `/rtc/v1/validate` so clients fall back to `/rtc` (reference §8.9).
    public var disableRTCv1: Bool = false
    /// Largest signal message accepted, compressed or not (LiveKit's 2 MiB).
    public var maxMessageSize: Int = 2 * 1024 * 1024
    /// Largest decompressed `join_request` (LiveKit's 1 MiB).
    public var maxJoinRequestSize: Int = 1024 * 1024
    /// How often a fresh token is pushed with `refresh_token` (LiveKit: at start and every 5 minutes).
    public var refreshTokenInterval: Duration = .seconds(300)
    /// Minimum lifetime of a refreshed token (LiveKit's 10 minutes).
    public var refreshTokenMinimumTTL: Duration = .seconds(600)

    /// The defaults.
    public init() {}
}
