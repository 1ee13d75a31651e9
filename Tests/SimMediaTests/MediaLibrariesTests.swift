import Testing
@testable import SimMedia

@Suite struct MediaLibrariesTests {
    @Test func librariesInitializeAndReportVersions() throws {
        try MediaLibraries.initializeOnce()
        try MediaLibraries.initializeOnce()  // idempotent
        let versions = MediaLibraries.versions
        #expect(versions.openSSL.hasPrefix("OpenSSL 3"))
        #expect(versions.srtp.contains("2."))
    }
}
