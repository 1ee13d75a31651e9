/// An authentication refusal as the HTTP layer sends it: a status and a plain-text body.
public struct AuthRejection: Error, Hashable, Sendable {
    /// HTTP 401 Unauthorized, the status of every token refusal.
    public static let unauthorizedStatus = 401

    /// The HTTP status code.
    public var status: Int
    /// The plain-text response body.
    public var message: String

    /// Creates a refusal.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// `Authorization` present but not `Bearer …`: LiveKit's `ErrMissingAuthorization` (note the trailing space).
    public static let invalidAuthorizationHeader = AuthRejection(
        status: unauthorizedStatus,
        message: "invalid authorization header. Must start with Bearer "
    )
}
