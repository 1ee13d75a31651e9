/// An HTTP answer that refuses a signal connection before the WebSocket upgrade (reference §1.7).
public struct SignalRejection: Error, Sendable, Equatable {
    /// HTTP status.
    public var status: Int
    /// Plain-text body (clients match some texts exactly, e.g. `requested room does not exist`).
    public var message: String

    /// A rejection.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// 404 with an empty body: not a WebSocket request, or `/rtc/v1` switched off.
    public static let notFound = SignalRejection(status: 404, message: "")
}
