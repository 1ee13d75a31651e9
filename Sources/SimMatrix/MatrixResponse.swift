import SimAuth

/// One request to the homeserver as the shell hands it over: already split, the body not yet parsed.
public struct MatrixRequest: Sendable {
    /// `GET`, `POST`, `PUT`, `DELETE`.
    public var method: String
    /// The path below `/_matrix/` (`client/v3/sync`), percent-decoded segment by segment.
    public var segments: [String]
    /// Query parameters (the first of each name).
    public var query: [String: String]
    /// The access token from `Authorization: Bearer` or the `access_token` parameter.
    public var accessToken: String?
    /// The body.
    public var body: [UInt8]
    /// The request target as received (`/_matrix/client/v3/sync?since=…`), for forwarding it unchanged.
    public var target: String

    /// A request.
    public init(method: String, segments: [String], query: [String: String] = [:], accessToken: String? = nil, body: [UInt8] = [],
                target: String = "") {
        self.method = method
        self.segments = segments
        self.query = query
        self.accessToken = accessToken
        self.body = body
        self.target = target
    }
}

/// An answer: a status and a JSON body.
public struct MatrixResponse: Sendable, Equatable {
    /// HTTP status.
    public var status: Int
    /// The JSON body.
    public var body: JSONValue

    /// An answer.
    public init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    /// A 200 with `body`.
    static func ok(_ body: JSONValue) -> MatrixResponse { MatrixResponse(status: 200, body: body) }

    /// A Matrix error: `{errcode, error}` plus `extra` members.
    public static func error(_ status: Int, _ code: String, _ message: String, _ extra: [String: JSONValue] = [:]) -> MatrixResponse {
        var members = extra
        members["errcode"] = .string(code)
        members["error"] = .string(message)
        return MatrixResponse(status: status, body: .object(members))
    }

    /// The error code, if this is an error.
    public var errorCode: String? { status >= 400 ? body["errcode"]?.string : nil }

    /// The body as JSON text.
    public var encodedBody: [UInt8] { body.encoded }
}

/// Handler errors that become Matrix error responses.
struct MatrixFailure: Error {
    let response: MatrixResponse

    init(_ status: Int, _ code: String, _ message: String, _ extra: [String: JSONValue] = [:]) {
        response = .error(status, code, message, extra)
    }

    static func missing(_ field: String) -> MatrixFailure { MatrixFailure(400, "M_MISSING_PARAM", "missing or invalid '\(field)'") }
    static let notJSON = MatrixFailure(400, "M_NOT_JSON", "the body is not a JSON object")
    static func forbidden(_ message: String) -> MatrixFailure { MatrixFailure(403, "M_FORBIDDEN", message) }
    static func notFound(_ message: String) -> MatrixFailure { MatrixFailure(404, "M_NOT_FOUND", message) }
}
