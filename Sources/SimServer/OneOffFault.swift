import Foundation
import SimCore

/// A fault applied once, now, through `POST /_sim/faults` (JSON). Scenario files (issue #5) schedule the same
/// primitives on triggers.
///
/// `{"action": "close_signal", "room": "r", "identity": "bob", "code": 1001, "reason": "…"}` closes bob's signal
/// WebSocket without a LeaveRequest (the SDK sees a dropped signal and resumes); `code` defaults to 1001 (going
/// away), `reason` to "sfusim fault".
enum OneOffFault: Equatable {
    /// Close a participant's signal WebSocket with a code.
    case closeSignal(room: RoomName, identity: Identity, code: UInt16, reason: String)

    /// Why a request body is not a fault.
    struct Problem: Error, Equatable {
        var message: String
    }

    /// The actions this endpoint knows.
    static let actions = ["close_signal"]

    /// Decodes a request body; every mistake is a readable message (HTTP 400).
    static func decode(_ body: [UInt8]) -> Result<OneOffFault, Problem> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return .failure(Problem(message: "the body must be a JSON object, e.g. {\"action\": \"close_signal\", \"room\": \"r\", \"identity\": \"bob\"}"))
        }
        guard let action = object["action"] as? String else {
            return .failure(Problem(message: "missing string field \"action\" (one of \(actions.joined(separator: ", ")))"))
        }
        switch action {
        case "close_signal":
            let known: Set<String> = ["action", "room", "identity", "code", "reason"]
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                return .failure(Problem(message: "unknown field \"\(unknown)\" for close_signal (known: \(known.sorted().joined(separator: ", ")))"))
            }
            guard let room = object["room"] as? String, !room.isEmpty, let identity = object["identity"] as? String, !identity.isEmpty else {
                return .failure(Problem(message: "close_signal needs non-empty string fields \"room\" and \"identity\""))
            }
            var code: UInt16 = 1001
            if let value = object["code"] {
                guard let number = value as? Int, (1000...4999).contains(number), ![1004, 1005, 1006, 1015].contains(number) else {
                    return .failure(Problem(message: "\"code\" must be a WebSocket close code a server may send (1000–4999, not 1004/1005/1006/1015)"))
                }
                code = UInt16(number)
            }
            let reason = object["reason"] as? String ?? "sfusim fault"
            return .success(.closeSignal(room: RoomName(room), identity: Identity(identity), code: code, reason: reason))
        default:
            return .failure(Problem(message: "unknown action \"\(action)\" (one of \(actions.joined(separator: ", ")))"))
        }
    }
}
