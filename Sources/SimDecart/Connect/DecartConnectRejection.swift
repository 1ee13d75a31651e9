/// Why a control connection is refused at open, and how: an `error` frame (so the SDK sees the text) then a close
/// (reference §1 "Test-server implication": rejecting the upgrade itself only shows browsers a 1006).
public struct DecartConnectRejection: Sendable, Equatable, Error {
    /// What was wrong.
    public enum Reason: String, Sendable, Equatable {
        /// `api_key` missing, empty or not configured.
        case invalidAPIKey = "invalid_api_key"
        /// `model` missing or not configured.
        case invalidModel = "invalid_model"
        /// `resolution` other than the configured ones.
        case invalidResolution = "invalid_resolution"
    }

    /// What was wrong (also the `error_type` taxonomy name of the JS-errors branch).
    public var reason: Reason
    /// The `error` frame text.
    public var errorText: String

    /// A rejection.
    public init(reason: Reason, errorText: String) {
        self.reason = reason
        self.errorText = errorText
    }
}
