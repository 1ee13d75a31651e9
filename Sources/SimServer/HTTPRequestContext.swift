import Hummingbird
import NIOCore

/// The request context of every HTTP route: Hummingbird's basics plus the connection's channel, so a route can drop
/// the connection without an answer (a fault at the `http.in` / `http.out` taps).
struct HTTPRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
