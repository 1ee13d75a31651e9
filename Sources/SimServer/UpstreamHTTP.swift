import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for the Matrix fault proxy: one connection per request to the upstream homeserver
/// (`http://host:port`), the whole response collected (a `/sync` answers in one piece when it is ready, so nothing
/// is held back beyond its own arrival).
struct UpstreamHTTP: Sendable {
    /// A response.
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    enum Failure: Error, CustomStringConvertible {
        case badURL(String)
        case closedEarly

        var description: String {
            switch self {
            case .badURL(let url): "not an http://host:port URL: \(url)"
            case .closedEarly: "the upstream closed the connection before a whole response"
            }
        }
    }

    let host: String
    let port: Int
    /// The URL as configured (for logs).
    let url: String
    /// Responses larger than this are refused (the proxy's memory bound).
    static let maximumBody = 64 * 1024 * 1024

    /// A client for `url` (`http://host[:port]`; https is not supported: put the proxy next to the homeserver).
    init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host, !host.isEmpty,
              components.path.isEmpty || components.path == "/" else { throw Failure.badURL(url) }
        self.host = host
        port = components.port ?? 80
        self.url = url
    }

    /// Sends one request (`target`: path and query as received) and collects the response.
    func send(method: String, target: String, headers: [(String, String)], body: [UInt8]) async throws -> Response {
        let promise = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Response.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap {
                    channel.pipeline.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: host, port: port).get()
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.replaceOrAdd(name: "Host", value: port == 80 ? host : "\(host):\(port)")
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !body.isEmpty { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer { channel.close(promise: nil) }
        return try await promise.futureResult.get()
    }
}

/// Collects one response; fails if the connection ends first or the body is too large.
private final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<UpstreamHTTP.Response>
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var done = false

    init(promise: EventLoopPromise<UpstreamHTTP.Response>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
        case .body(var buffer):
            guard body.count + buffer.readableBytes <= UpstreamHTTP.maximumBody else {
                finish(.failure(UpstreamHTTP.Failure.closedEarly))
                context.close(promise: nil)
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return finish(.failure(UpstreamHTTP.Failure.closedEarly)) }
            finish(.success(UpstreamHTTP.Response(status: Int(head.status.code), contentType: head.headers.first(name: "Content-Type") ?? "application/json",
                                                  body: body)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(UpstreamHTTP.Failure.closedEarly))
    }

    private func finish(_ result: Result<UpstreamHTTP.Response, any Error>) {
        guard !done else { return }
        done = true
        promise.completeWith(result)
    }
}
