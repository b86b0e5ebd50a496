package canary

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"
