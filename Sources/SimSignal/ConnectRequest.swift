import Foundation
import SimCore

/// The signal endpoints.
public enum SignalPath: String, Sendable, Equatable {
    /// `/rtc`: v0; dual-PC unless `join_request` is present.
    case rtc = "/rtc"
    /// `/rtc/v1`: single-PC, `join_request` required.
    case rtcV1 = "/rtc/v1"
}

/// What the HTTP layer hands over about a connect (or validate) request.
public struct ConnectRequest: Sendable, Equatable {
    /// Which endpoint.
    public var path: SignalPath
    /// Query parameters (first value of each name, percent-decoded).
    public var query: [String: String]
    /// The `Authorization` header, if any.
    public var authorization: String?

    /// A request.
    public init(path: SignalPath, query: [String: String], authorization: String?) {
        self.path = path
        self.query = query
        self.authorization = authorization
    }
}
