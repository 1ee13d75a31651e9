import NIOCore
import NIOHTTP1

/// What the two HTTP guards share about the request being read (event-loop confined): whether a request head is
/// awaited, and whether its request line has ended.
final class HTTPHeadProgress {
    /// Between requests, or reading a head (not yet parsed).
    var awaitingHead = true
    /// A line break was seen since the awaited head began: the request line is complete.
    var requestLineEnded = false
}

/// Sits first in the pipeline, on the raw bytes (before the HTTP decoder and the response encoder): notes where the request line ends (so an oversized request is
/// told apart: 414 for the line, 431 for the headers), and closes a connection whose request head is not complete
/// within `timeout` of its first byte (or of the connection opening) with 408 — slowloris and silent sockets. It
/// leaves at a WebSocket upgrade (`HTTPParseErrorResponder` removes it).
final class HTTPHeadWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let progress: HTTPHeadProgress
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(progress: HTTPHeadProgress, timeout: TimeAmount) {
        self.progress = progress
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if progress.awaitingHead {
            if timer == nil { arm(context) }
            if !progress.requestLineEnded, unwrapInboundIn(data).readableBytesView.contains(UInt8(ascii: "\n")) {
                progress.requestLineEnded = true
            }
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// The decoder produced the head: no deadline while the request is handled and until the next head starts.
    func headParsed() { disarm() }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        // Written from this handler's place (first in the pipeline): raw bytes straight to the socket.
        let bound = NIOLoopBound((context, progress), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (context, progress) = bound.value
            guard progress.awaitingHead else { return }
            let answer = context.channel.allocator.buffer(string: "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            context.writeAndFlush(NIOAny(answer)).whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// Answers a request the HTTP parser gave up on instead of leaving the socket open with no answer: a request line
/// over the parser's limit gets 414, headers over it 431, any other parse error 400, then the connection closes (the
/// output at once, the whole connection 2 s later, so the unread rest of the request does not reset it). It tells
/// the head watch when a head was parsed and when the next one is awaited, and removes both at a WebSocket upgrade
/// (the frames that follow are not HTTP).
final class HTTPParseErrorResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false
    private let watch: HTTPHeadWatch

    init(watch: HTTPHeadWatch) { self.watch = watch }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            watch.progress.awaitingHead = false
            watch.headParsed()
            if head.headers["upgrade"].contains(where: { $0.lowercased() == "websocket" }) {
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(watch, promise: nil)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
        case .end:
            watch.progress.awaitingHead = true
            watch.progress.requestLineEnded = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let status: HTTPResponseStatus = switch parseError {
        case .headerOverflow: watch.progress.requestLineEnded ? .requestHeaderFieldsTooLarge : .uriTooLong
        default: .badRequest
        }
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
