import Foundation
import HummingbirdWebSocket
import NIOCore
import ServiceLifecycle
import SimCore
import SimSignal

/// The WebSocket pump every protocol uses (LiveKit signalling, Decart control): the hub writes to a sink, a writer
/// task drains it onto the socket, and inbound frames go to the hub until the peer leaves.
extension SimServerApp {
    /// One WebSocket's two directions: a writer task drains the sink the hub writes to (frames, then a close);
    /// this task feeds inbound frames to the hub until the peer goes, then reports the close. An abort closes the
    /// channel itself, so no close frame is sent.
    static func pump(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, log: EventLog,
        open: (WebSocketSignalSink) -> ConnectionID,
        onText: (String, ConnectionID) -> Void, onBinary: (ByteBuffer, ConnectionID) -> Void, onClose: (ConnectionID) -> Void
    ) async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: WebSocketSignalSink.Item.self)
        let connection = open(WebSocketSignalSink(continuation: continuation))
        // On shutdown the WebSocket layer sends a close frame and waits for the peer's; a peer that never answers
        // (or never reads) must not keep the server from exiting: its connection is dropped after a grace period.
        try await withGracefulShutdownHandler {
            try await pumpFrames(stream: stream, continuation: continuation, connection: connection, inbound: inbound, outbound: outbound,
                                 channel: channel, log: log, onText: onText, onBinary: onBinary, onClose: onClose)
        } onGracefulShutdown: {
            channel.eventLoop.scheduleTask(in: shutdownGrace) { channel.close(promise: nil) }
        }
    }

    /// Pumps one WebSocket of a frame-based protocol (LiveKit signalling, agent workers) through its shell: text and
    /// binary frames as `SignalFrame`s, then the close.
    static func pump(into receiver: any SignalFrameReceiver, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                     channel: any Channel, log: EventLog, open: (WebSocketSignalSink) -> ConnectionID) async throws {
        try await pump(inbound: inbound, outbound: outbound, channel: channel, log: log, open: open) { text, connection in
            receiver.received(.text(text), on: connection)
        } onBinary: { buffer, connection in
            receiver.received(.binary(Array(buffer.readableBytesView)), on: connection)
        } onClose: { connection in
            receiver.closed(connection)
        }
    }

    /// How long a connection may take to finish its close handshake once the server is shutting down.
    static let shutdownGrace: TimeAmount = .seconds(2)

    private static func pumpFrames(
        stream: AsyncStream<WebSocketSignalSink.Item>, continuation: AsyncStream<WebSocketSignalSink.Item>.Continuation,
        connection: ConnectionID, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, log: EventLog,
        onText: (String, ConnectionID) -> Void, onBinary: (ByteBuffer, ConnectionID) -> Void, onClose: (ConnectionID) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in stream {
                    switch item {
                    case .frame(.binary(let bytes)): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                    case .frame(.text(let text)): try await outbound.write(.text(text))
                    case .close(let code, let reason):
                        try await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                        return
                    case .abort:
                        try? await channel.close()
                        return
                    }
                }
            }
            do {
                for try await message in inbound.messages(maxSize: transportFrameLimit) {
                    switch message {
                    case .binary(let buffer): onBinary(buffer, connection)
                    case .text(let text): onText(text, connection)
                    }
                }
            } catch {
                log.append(EventRecord(kind: "connection.error", connection: connection, detail: ["error": .string("\(error)")]))
            }
            onClose(connection)
            continuation.finish()
            try await group.waitForAll()
        }
    }
}
