internal import CCurl

/// The libcurl patrol runs with, as `patrol --version --json` reports it.
package enum CurlVersion {
    /// The version of the libcurl linked at run time (e.g. `7.88.1`), from `curl_version_info`; `unknown` if it says none.
    package static var linked: String {
        // CURLVERSION_NOW is a macro Swift does not import; CURLVERSION_FIRST asks for the oldest layout, which already
        // holds `version`, the one field read. Why unsafe: curl_version_info returns a pointer to a static struct owned
        // by libcurl; the version string is copied out at once and never freed.
        guard let info = curl_version_info(CURLVERSION_FIRST), let version = info.pointee.version else { return "unknown" }
        return String(cString: version)
    }
}
