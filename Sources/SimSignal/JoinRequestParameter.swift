import CompressNIO
import Foundation
import NIOCore
import SimProto

/// The `/rtc/v1` `join_request` query parameter a client sends: base64url (unpadded) of a `WrappedJoinRequest`
/// whose `JoinRequest` is gzip-compressed, as the Python and Rust SDKs send it. The inverse of what
/// `ConnectValidator` accepts; for clients the project drives itself (benchmarks, tests).
public enum JoinRequestParameter {
    /// Encodes `request`, gzip-compressed unless `gzip` is false.
    public static func encode(_ request: Livekit_JoinRequest, gzip: Bool = true) throws -> String {
        var wrapped = Livekit_WrappedJoinRequest()
        let inner: Data = try request.serializedData()
        if gzip {
            var buffer = ByteBuffer(bytes: inner)
            let compressed = try buffer.compress(with: .gzip())
            wrapped.compression = .gzip
            wrapped.joinRequest = Data(compressed.readableBytesView)
        } else {
            wrapped.joinRequest = inner
        }
        let encoded: Data = try wrapped.serializedData()
        return encoded.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
