import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import SimSignal

/// The request context of the signal WebSocket routes: carries the plan validated before the upgrade to the
/// handler after it, so a connect is validated once.
struct SignalWebSocketContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let plan = PlanBox()
    /// The raw query of a `/v1/stream` upgrade (its `api_key` may arrive unencoded).
    let rawQuery = StringBox()
    /// The API key an `/agent` worker authenticated with (checked before upgrading).
    let workerKey = StringBox()
    /// The scenario a LiveKit connect selected (query parameter or token attribute), checked before upgrading.
    let scenarioName = StringBox()
    /// The connection's channel: an abort closes it without a WebSocket close frame.
    let channel: any Channel

    init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    /// The validated plan, set by the upgrade decision.
    final class PlanBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: ConnectPlan?
        var value: ConnectPlan? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    /// A string set by the upgrade decision.
    final class StringBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: String?
        var value: String? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}
