import Foundation
import SimAuth
import SimCore
import SimRoom
import SwiftProtobuf

/// Body encodings Twirp accepts.
public enum TwirpEncoding: Sendable {
    /// `application/protobuf`.
    case protobuf
    /// `application/json` (protojson).
    case json

    /// The response `Content-Type`.
    public var contentType: String { self == .protobuf ? "application/protobuf" : "application/json" }
}

/// What every Twirp service sfusim serves shares (RoomService, AgentDispatchService): the content type, the
/// token (a missing one is a Twirp error, a bad one plain text as LiveKit's auth middleware answers), body
/// decoding and encoding, and the grant checks.
public enum TwirpEndpoint {
    /// Answers one call: checks the content type and the token, then runs `call` with the encoding and the grant.
    public static func handle(
        contentType: String?, authorization: String?, verifier: TokenVerifier, now: Date,
        call: (TwirpEncoding, VideoGrant?) throws(TwirpError) -> [UInt8]
    ) -> TwirpResponse {
        let mime = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let encoding: TwirpEncoding
        switch mime {
        case "application/protobuf", "application/x-protobuf": encoding = .protobuf
        case "application/json": encoding = .json
        default:
            return TwirpResponse(TwirpError(code: "bad_route", message: "unexpected Content-Type: \"\(contentType ?? "")\""))
        }
        let token: VerifiedToken?
        switch AuthorizationHeader.token(from: authorization, queryToken: nil) {
        case .failure(let rejection):
            return TwirpResponse(status: rejection.status, contentType: "text/plain; charset=utf-8", body: Array(rejection.message.utf8))
        case .success(nil):
            token = nil
        case .success(let raw?):
            do {
                token = try verifier.verify(raw, now: now)
            } catch {
                return TwirpResponse(status: 401, contentType: "text/plain; charset=utf-8", body: Array(error.httpMessage.utf8))
            }
        }
        do {
            return TwirpResponse(status: 200, contentType: encoding.contentType, body: try call(encoding, token?.video))
        } catch {
            return TwirpResponse(error)
        }
    }

    /// Decodes a request body (an empty JSON body is `{}`; unknown JSON fields are ignored).
    public static func decode<Message: SwiftProtobuf.Message>(_ body: [UInt8], _ encoding: TwirpEncoding) throws(TwirpError) -> Message {
        do {
            switch encoding {
            case .protobuf: return try Message(serializedBytes: body)
            case .json:
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                return try Message(jsonUTF8Bytes: body.isEmpty ? Array("{}".utf8) : body, options: options)
            }
        } catch {
            throw TwirpError(code: "malformed", message: "the request body could not be decoded: \(error)")
        }
    }

    /// Encodes a response (JSON with the proto field names, as LiveKit's server writes them).
    public static func encode<Message: SwiftProtobuf.Message>(_ message: Message, _ encoding: TwirpEncoding) throws(TwirpError) -> [UInt8] {
        do {
            switch encoding {
            case .protobuf: return try message.serializedBytes()
            case .json:
                var options = JSONEncodingOptions()
                options.preserveProtoFieldNames = true
                return try message.jsonUTF8Bytes(options: options)
            }
        } catch {
            throw TwirpError(code: "internal", message: "failed to encode the response")
        }
    }

    /// `permissions denied` unless `allowed`.
    public static func require(_ allowed: Bool) throws(TwirpError) {
        if !allowed { throw TwirpError(code: "unauthenticated", message: "permissions denied") }
    }

    /// LiveKit's room-name check: `invalid_argument`, "room name length exceeds limits: max length N".
    public static func checkRoomName(_ name: String, _ limits: RoomLimits) throws(TwirpError) {
        if !limits.allowsRoomName(name) {
            throw TwirpError(code: "invalid_argument", message: "room name length exceeds limits: max length \(limits.maxRoomNameLength)")
        }
    }

    /// LiveKit's metadata check: `invalid_argument`, "metadata size exceeds limits N" (twirp's InvalidArgumentError).
    public static func checkMetadata(_ metadata: String, _ limits: RoomLimits) throws(TwirpError) {
        try checkParticipant(metadata: metadata, limits)
    }

    /// LiveKit's participant checks in its order (name, metadata, attributes), with the limit after the text.
    public static func checkParticipant(name: String = "", metadata: String = "", attributes: [String: String] = [:],
                                        _ limits: RoomLimits) throws(TwirpError) {
        guard let violation = limits.participantViolation(name: name, metadata: metadata, attributes: attributes) else { return }
        throw TwirpError(code: "invalid_argument", message: "\(violation.errorText) \(limits.limit(of: violation))")
    }

    /// roomAdmin for the request's room (LiveKit `EnsureAdminPermission`).
    public static func requireAdmin(_ grant: VideoGrant?, room: String) throws(TwirpError) {
        try require(grant?.roomAdmin == true && (grant?.room?.rawValue ?? "") == room)
    }
}
