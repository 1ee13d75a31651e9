import NIOCore
import NIOHTTP1

/// Answers a request the HTTP parser gave up on instead of leaving the socket open with no answer: a request line
/// and headers over the parser's limit get 431, any other parse error 400, then the connection closes (the output at
/// once, the whole connection 2 s later, so the unread rest of the request does not reset it). Transparent
/// otherwise (it reads nothing), so it may stay in the pipeline after a WebSocket upgrade.
final class HTTPParseErrorResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let status: HTTPResponseStatus = parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        // Half-close, then close a moment later: closing at once with the rest of the request unread would reset the
        // connection, and the client could lose the answer.
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            context.close(mode: .output, promise: nil)
            context.eventLoop.scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
        }
    }
}
