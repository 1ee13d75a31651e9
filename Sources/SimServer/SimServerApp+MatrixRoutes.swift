import Foundation
import Hummingbird
import NIOCore
import SimAuth
import SimMatrix

/// Matrix routes: the embedded homeserver under `/_matrix/`, the LiveKit JWT service (`/sfu/get`, `/get_token`,
/// `/healthz`) and `/.well-known/matrix/client`. Every answer carries the CORS headers browser clients need, and
/// `OPTIONS` is answered on every path.
extension SimServerApp {
    static let matrixBodyLimit = 4 * 1024 * 1024

    static func addMatrixRoutes(to router: Router<HTTPRequestContext>, service: MatrixService) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/_matrix/**", method: method) { request, context in
                let body = try await request.body.collect(upTo: matrixBodyLimit)
                return answer(await service.serve(matrixRequest(request, body: body)), context: context)
            }
        }
        for path in ["/_matrix/**", "/sfu/get", "/get_token", "/healthz", "/.well-known/matrix/client"] {
            router.on(RouterPath(path), method: .options) { _, _ in matrixJSON(200, Array("{}".utf8)) }
        }
        router.post("/sfu/get") { request, context in
            let body = try await request.body.collect(upTo: matrixBodyLimit)
            return answer(await service.serveAuthorization(.sfuGet, body: Array(buffer: body)), context: context)
        }
        router.post("/get_token") { request, context in
            let body = try await request.body.collect(upTo: matrixBodyLimit)
            return answer(await service.serveAuthorization(.getToken, body: Array(buffer: body)), context: context)
        }
        router.get("/healthz") { _, _ in matrixJSON(200, []) }
        router.get("/.well-known/matrix/client") { _, _ in matrixJSON(200, service.wellKnown().encoded) }
    }

    /// The request as the engine takes it: path segments below `/_matrix/`, percent-decoded; the query; the token.
    static func matrixRequest(_ request: Request, body: ByteBuffer) -> MatrixRequest {
        let raw = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)  // "", "_matrix"
        let segments = raw.map { String($0).removingPercentEncoding ?? String($0) }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)
        }
        var token = query["access_token"]
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        return MatrixRequest(method: request.method.rawValue, segments: segments, query: query, accessToken: token, body: Array(buffer: body),
                             target: target)
    }

    /// The HTTP answer, or (a fault dropped the request or its response) the connection closed with none: the
    /// client sees the connection end before a status line.
    static func answer(_ answer: MatrixService.Answer, context: HTTPRequestContext) -> Response {
        switch answer {
        case .respond(let response):
            return matrixJSON(response.status, response.encodedBody)
        case .forwarded(let response):
            return matrixJSON(response.status, response.body, contentType: response.contentType)
        case .truncated(let status, let contentType, let body):
            // The full Content-Length, half the bytes, then the connection ends: the client's body read fails.
            var response = matrixJSON(status, [], contentType: contentType)
            let half = Array(body.prefix(body.count / 2))
            let channel = context.channel
            response.body = ResponseBody(contentLength: body.count) { writer in
                try await writer.write(ByteBuffer(bytes: half))
                try await channel.close()
                throw ChannelError.ioOnClosedChannel
            }
            return response
        case .drop:
            context.channel.close(promise: nil)
            return matrixJSON(500, Array(#"{"errcode":"M_UNKNOWN","error":"dropped by a scenario"}"#.utf8))  // never written
        }
    }

    /// A JSON answer with the CORS headers (spec: "Web Browser Clients").
    static func matrixJSON(_ status: Int, _ body: [UInt8], contentType: String = "application/json") -> Response {
        let headers: HTTPFields = [
            .contentType: contentType,
            .accessControlAllowOrigin: "*",
            .accessControlAllowMethods: "GET, POST, PUT, DELETE, OPTIONS",
            .accessControlAllowHeaders: "X-Requested-With, Content-Type, Authorization",
        ]
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
