import CompressNIO
import Foundation
import NIOCore
import SimAuth
import SimCore
import SimProto
import SimRoom
import SwiftProtobuf

/// Validates a connect or validate request exactly as LiveKit does before upgrading (reference §1.3–§1.7),
/// producing a `ConnectPlan` or the HTTP rejection with LiveKit's status and text.
public struct ConnectValidator: Sendable {
    /// Settings.
    public var configuration: SignalConfiguration
    /// Token verification with the configured keys.
    public var verifier: TokenVerifier
    /// Identity and room-name lengths, the token's metadata and attributes sizes.
    public var limits: RoomLimits

    /// A validator.
    public init(configuration: SignalConfiguration, verifier: TokenVerifier, limits: RoomLimits = RoomLimits()) {
        self.configuration = configuration
        self.verifier = verifier
        self.limits = limits
    }

    static let noPermissions = SignalRejection(status: 401, message: "no permissions to access the room")

    /// Validates `request` at wall time `now`; `roomAccepts` says whether a join to a room may proceed.
    public func validate(_ request: ConnectRequest, now: Date, roomAccepts: (RoomName) -> Bool) -> Result<ConnectPlan, SignalRejection> {
        do {
            return .success(try plan(request, now: now, roomAccepts: roomAccepts))
        } catch {
            return .failure(error)
        }
    }

    func plan(_ request: ConnectRequest, now: Date, roomAccepts: (RoomName) -> Bool) throws(SignalRejection) -> ConnectPlan {
        if request.path == .rtcV1, configuration.disableRTCv1 { throw .notFound }
        let rawToken: String?
        switch AuthorizationHeader.token(from: request.authorization, queryToken: request.query["access_token"]) {
        case .success(let value): rawToken = value
        case .failure(let rejection): throw SignalRejection(status: rejection.status, message: rejection.message)
        }
        guard let rawToken, !rawToken.isEmpty else { throw Self.noPermissions }
        let token: VerifiedToken
        do {
            token = try verifier.verify(rawToken, now: now)
        } catch {
            throw SignalRejection(status: error.rejection.status, message: error.rejection.message)
        }
        guard let grant = token.video else { throw Self.noPermissions }
        guard grant.roomJoin == true else { throw SignalRejection(status: 401, message: "permissions denied") }
        guard var identity = token.identity, !identity.rawValue.isEmpty else {
            throw SignalRejection(status: 400, message: "identity cannot be empty")
        }
        guard let room = grant.room, !room.rawValue.isEmpty else { throw SignalRejection(status: 400, message: "no room name") }
        if !limits.allowsIdentity(identity.rawValue) {
            throw SignalRejection(status: 400, message: "participant identity length exceeds limits: max length \(limits.maxIdentityLength)")
        }
        if !limits.allowsRoomName(room.rawValue) {
            throw SignalRejection(status: 400, message: "room name length exceeds limits: max length \(limits.maxRoomNameLength)")
        }
        // LiveKit's StartSession refuses these before the upgrade (InvalidArgument: 400).
        if !limits.allowsMetadata(token.claims.metadata ?? "") { throw SignalRejection(status: 400, message: RoomLimits.Violation.metadata.errorText) }
        if !limits.allowsAttributes(token.claims.attributes ?? [:]) {
            throw SignalRejection(status: 400, message: RoomLimits.Violation.attributes.errorText)
        }

        var permission = ParticipantPermission(grant: grant)
        var join = JoinParameters(
            connection: ConnectionID(0), room: room, identity: identity, name: token.claims.name ?? "",
            metadata: token.claims.metadata ?? "", attributes: token.claims.attributes ?? [:], permission: permission,
            kind: ParticipantKindName.number(token.claims.kind)
        )
        join.roomAgents = RoomAgentRequest.requests(roomConfig: token.claims.roomConfig)
        var plan = ConnectPlan(
            path: request.path, token: token, join: join, isResume: false, resumeSID: nil, addTracks: [],
            publisherOffer: nil, sdk: request.query["sdk"] ?? ""
        )

        if let encoded = request.query["join_request"] {
            let joinRequest = try decodeJoinRequest(encoded)
            try apply(joinRequest, to: &plan, grant: grant)
        } else if request.path == .rtcV1 {
            throw SignalRejection(status: 400, message: "join_request is required")
        } else {
            try applyQuery(request.query, to: &plan, grant: grant)
        }

        // `publish=X` opens an extra publish-only connection as `<identity>#X` (reference §1.3).
        if request.query["join_request"] == nil, let publish = request.query["publish"], !publish.isEmpty {
            guard grant.effectiveCanPublish else { throw Self.noPermissions }
            identity = Identity("\(identity.rawValue)#\(publish)")
            permission = plan.join.permission
            permission.canSubscribe = false
            plan.join.identity = identity
            plan.join.permission = permission
        }
        guard roomAccepts(room) || plan.isResume else {
            throw SignalRejection(status: 404, message: "requested room does not exist")
        }
        join = plan.join
        plan.join = join
        return plan
    }

    /// `join_request`: base64url (padding optional) of `WrappedJoinRequest`, gzip or plain `JoinRequest` inside.
    func decodeJoinRequest(_ encoded: String) throws(SignalRejection) -> Livekit_JoinRequest {
        guard encoded.utf8.count <= configuration.maxMessageSize * 2 else {
            throw SignalRejection(status: 400, message: "join_request too large")
        }
        guard let wrappedBytes = Data(base64URLEncoded: encoded) else {
            throw SignalRejection(status: 400, message: "invalid join_request: not base64url")
        }
        let wrapped: Livekit_WrappedJoinRequest
        do {
            wrapped = try Livekit_WrappedJoinRequest(serializedBytes: wrappedBytes)
        } catch {
            throw SignalRejection(status: 400, message: "invalid join_request: malformed WrappedJoinRequest")
        }
        var payload = wrapped.joinRequest
        switch wrapped.compression {
        case .none: break
        case .gzip:
            var buffer = ByteBuffer(bytes: payload)
            do {
                let inflated = try buffer.decompress(with: .gzip(), maxSize: configuration.maxJoinRequestSize)
                guard GzipTrailer.matches(compressed: Array(payload), inflated: inflated.readableBytesView) else {
                    throw SignalRejection(status: 400, message: "invalid join_request: gzip stream is truncated or fails its CRC")
                }
                payload = Data(inflated.readableBytesView)
            } catch let rejection as SignalRejection {
                throw rejection
            } catch {
                throw SignalRejection(status: 400, message: "invalid join_request: gzip stream is corrupt or over \(configuration.maxJoinRequestSize) bytes")
            }
        case .UNRECOGNIZED(let value):
            throw SignalRejection(status: 400, message: "invalid join_request: unknown compression \(value)")
        }
        guard payload.count <= configuration.maxJoinRequestSize else {
            throw SignalRejection(status: 400, message: "invalid join_request: over \(configuration.maxJoinRequestSize) bytes")
        }
        do {
            return try Livekit_JoinRequest(serializedBytes: payload)
        } catch {
            throw SignalRejection(status: 400, message: "invalid join_request: malformed JoinRequest")
        }
    }

    func apply(_ request: Livekit_JoinRequest, to plan: inout ConnectPlan, grant: VideoGrant) throws(SignalRejection) {
        let settings = request.connectionSettings
        plan.join.mode = .singlePC
        plan.join.autoSubscribe = settings.autoSubscribe  // taken literally in v1 (reference §1.4)
        plan.join.autoSubscribeDataTracks = settings.hasAutoSubscribeDataTrack ? settings.autoSubscribeDataTrack : true
        plan.join.protocolVersion = Int(request.clientInfo.protocol)
        plan.join.clientProtocol = Int(request.clientInfo.clientProtocol)
        plan.join.capabilities = request.clientInfo.capabilities.map(\.rawValue)
        plan.sdk = ClientSDKName.name(request.clientInfo.sdk)
        if !request.metadata.isEmpty || !request.participantAttributes.isEmpty {
            guard grant.effectiveCanUpdateOwnMetadata else { throw Self.noPermissions }
            if !request.metadata.isEmpty { plan.join.metadata = request.metadata }
            for (key, value) in request.participantAttributes where !value.isEmpty { plan.join.attributes[key] = value }
        }
        plan.addTracks = request.addTrackRequests.map(AddTrackParameters.init(proto:))
        if request.hasPublisherOffer { plan.publisherOffer = (request.publisherOffer.sdp, request.publisherOffer.id) }
        plan.isResume = request.reconnect
        if !request.participantSid.isEmpty { plan.resumeSID = ParticipantSID(request.participantSid) }
    }

    func applyQuery(_ query: [String: String], to plan: inout ConnectPlan, grant: VideoGrant) throws(SignalRejection) {
        func flag(_ name: String) -> Bool? { query[name].map { $0 == "1" || $0 == "true" } }
        plan.join.mode = .dualPC
        plan.join.autoSubscribe = flag("auto_subscribe") ?? true
        plan.join.autoSubscribeDataTracks = flag("auto_subscribe_data_track") ?? true
        plan.join.protocolVersion = query["protocol"].flatMap { Int($0) } ?? 0
        plan.join.clientProtocol = query["client_protocol"].flatMap { Int($0) } ?? 0
        // `capabilities=CAP_PACKET_TRAILER,CAP_COMPRESSION_DEFLATE_RAW` (the Rust SDK's v0 query; unknown names ignored).
        let capabilityNumbers = ["CAP_PACKET_TRAILER": 1, "CAP_COMPRESSION_DEFLATE_RAW": 2]
        plan.join.capabilities = (query["capabilities"] ?? "").split(separator: ",").compactMap { capabilityNumbers[String($0)] }
        plan.isResume = flag("reconnect") ?? false
        if plan.isResume, let sid = query["sid"], !sid.isEmpty { plan.resumeSID = ParticipantSID(sid) }
        if let encoded = query["attributes"], !encoded.isEmpty {
            guard grant.effectiveCanUpdateOwnMetadata else { throw Self.noPermissions }
            guard let data = Data(base64URLEncoded: encoded),
                  let attributes = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw SignalRejection(status: 400, message: "cannot decode attributes")
            }
            for (key, value) in attributes where !value.isEmpty { plan.join.attributes[key] = value }
        }
    }
}

extension Data {
    /// Decodes base64url or standard base64, with or without padding; nil if invalid.
    init?(base64URLEncoded text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            default: bytes.append(byte)
            }
        }
        switch bytes.count % 4 {
        case 1: return nil
        case 2: bytes.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")])
        case 3: bytes.append(UInt8(ascii: "="))
        default: break
        }
        self.init(base64Encoded: Data(bytes))
    }
}
