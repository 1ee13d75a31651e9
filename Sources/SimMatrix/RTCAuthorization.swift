import Crypto
import Foundation
import SimAuth
import SimCore

/// The LiveKit JWT service of MatrixRTC (lk-jwt-service's contract): an OpenID token from the homeserver in, a
/// LiveKit URL and a token for the call's LiveKit room out. Pure: the OpenID check is a function the shell passes
/// (the embedded homeserver's own tokens).
public enum RTCAuthorization {
    /// The two request forms.
    public enum Endpoint: String, Sendable {
        /// `POST /sfu/get` (before Matrix 2.0): `room`, `openid_token`, `device_id`.
        case sfuGet = "sfu_get"
        /// `POST /get_token` (Matrix 2.0): `room_id`, `slot_id`, `openid_token`, `member`.
        case getToken = "get_token"
    }

    /// What the answer is signed with and points at.
    public struct Issuer: Sendable {
        public var livekitURL: String
        public var apiKey: APIKey
        public var secret: String
        public var hashForm: RTCHashForm

        public init(livekitURL: String, apiKey: APIKey, secret: String, hashForm: RTCHashForm) {
            self.livekitURL = livekitURL
            self.apiKey = apiKey
            self.secret = secret
            self.hashForm = hashForm
        }
    }

    /// How long the LiveKit token is valid.
    public static let tokenLifetime: Duration = .seconds(3600)

    static let allowedFields: [Endpoint: Set<String>] = [
        .sfuGet: ["room", "openid_token", "device_id", "delay_id", "delay_timeout", "delay_cs_api_url"],
        .getToken: ["room_id", "slot_id", "openid_token", "member", "delay_id", "delay_timeout"],
    ]

    /// The answer to a request body: `{url, jwt}` or a Matrix error (400 `M_NOT_JSON` for an unparsable body or
    /// unknown fields, 400 `M_BAD_JSON` for missing ones, 401 `M_UNAUTHORIZED` when the OpenID token does not check
    /// out or the claimed user is not its owner). `openIDUser` returns the owner of a token issued by the server named.
    public static func answer(_ endpoint: Endpoint, body: [UInt8], issuer: Issuer, now: Date,
                              openIDUser: (_ token: String, _ serverName: String) -> String?) -> MatrixResponse {
        guard let request = JSONValue.parseObject(body), let fields = request.object else {
            return .error(400, "M_NOT_JSON", "the body is not a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !(allowedFields[endpoint] ?? []).contains($0) }) {
            return .error(400, "M_NOT_JSON", "unknown field \"\(unknown)\"")
        }
        let openID = request["openid_token"]
        guard let token = openID?["access_token"]?.string, !token.isEmpty, let server = openID?["matrix_server_name"]?.string, !server.isEmpty else {
            return .error(400, "M_BAD_JSON", "missing openid_token.access_token or openid_token.matrix_server_name")
        }
        // The request's own fields first (400), then the token (401); the identity needs the token's owner.
        let roomID: String, slot: String, claimed: (user: String, device: String, member: String)?, device: String
        switch endpoint {
        case .sfuGet:
            guard let room = request["room"]?.string, !room.isEmpty, let id = request["device_id"]?.string, !id.isEmpty else {
                return .error(400, "M_BAD_JSON", "missing room or device_id")
            }
            (roomID, slot, claimed, device) = (room, "m.call#ROOM", nil, id)
        case .getToken:
            guard let room = request["room_id"]?.string, !room.isEmpty, let slotID = request["slot_id"]?.string, !slotID.isEmpty,
                  let member = request["member"], let memberID = member["id"]?.string, !memberID.isEmpty,
                  let claimedUser = member["claimed_user_id"]?.string, let claimedDevice = member["claimed_device_id"]?.string, !claimedDevice.isEmpty else {
                return .error(400, "M_BAD_JSON", "missing room_id, slot_id or member fields")
            }
            (roomID, slot, claimed, device) = (room, slotID, (claimedUser, claimedDevice, memberID), claimedDevice)
        }
        guard let owner = openIDUser(token, server), owner.hasSuffix(":" + server) else {
            return .error(401, "M_UNAUTHORIZED", "the OpenID token could not be verified")
        }
        if let claimed, claimed.user != owner { return .error(401, "M_UNAUTHORIZED", "claimed_user_id is not the token's user") }
        let room = roomAlias(roomID, slot: slot, form: issuer.hashForm)
        let identity = claimed.map { hash([owner, $0.device, $0.member], form: issuer.hashForm) } ?? "\(owner):\(device)"
        var builder = AccessTokenBuilder(apiKey: issuer.apiKey, secret: issuer.secret, ttl: tokenLifetime)
        builder.identity = Identity(identity)
        var grant = VideoGrant.join(RoomName(room))
        grant.roomCreate = false
        grant.canPublish = true
        grant.canSubscribe = true
        grant.canUpdateOwnMetadata = true
        builder.video = grant
        return .ok(["url": .string(issuer.livekitURL), "jwt": .string(builder.jwt(now: now))])
    }

    /// The LiveKit room of a Matrix room's call slot.
    public static func roomAlias(_ roomID: String, slot: String, form: RTCHashForm) -> String {
        hash([roomID, slot], form: form)
    }

    /// Unpadded standard base64 of SHA-256 over the parts, joined with `|` or as a JSON array of strings.
    public static func hash(_ parts: [String], form: RTCHashForm) -> String {
        let input: String
        switch form {
        case .pipe: input = parts.joined(separator: "|")
        case .jsonArray: input = String(decoding: JSONValue.strings(parts).encoded, as: UTF8.self)
        }
        let digest = SHA256.hash(data: Data(input.utf8))
        var text = Data(digest).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
