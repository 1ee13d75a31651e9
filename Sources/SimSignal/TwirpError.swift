import Foundation

/// A Twirp error (`{"code","msg","meta"}`) with its HTTP status (reference §5).
public struct TwirpError: Error, Sendable, Equatable {
    /// Twirp code, e.g. `not_found`, `unauthenticated`.
    public var code: String
    /// Human-readable message.
    public var message: String

    /// An error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The HTTP status Twirp maps the code to.
    public var status: Int {
        switch code {
        case "not_found", "bad_route": 404
        case "invalid_argument", "malformed", "out_of_range": 400
        case "unauthenticated": 401
        case "permission_denied": 403
        case "already_exists", "aborted": 409
        case "failed_precondition": 412
        case "resource_exhausted": 429
        case "unimplemented": 501
        case "unavailable": 503
        case "canceled", "deadline_exceeded": 408
        default: 500
        }
    }

    /// The JSON body.
    public var body: [UInt8] {
        let object: [String: Any] = ["code": code, "msg": message, "meta": [String: String]()]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }
}

/// An HTTP answer from the RoomService.
public struct TwirpResponse: Sendable, Equatable {
    /// HTTP status.
    public var status: Int
    /// `Content-Type` of the body.
    public var contentType: String
    /// Body bytes.
    public var body: [UInt8]

    /// A response.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A Twirp error response.
    public init(_ error: TwirpError) {
        self.init(status: error.status, contentType: "application/json", body: error.body)
    }
}
