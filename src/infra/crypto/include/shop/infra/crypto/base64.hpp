#pragma once

#include <optional>
#include <string>
#include <string_view>

// Base64 for carrying binary values through text: URL-safe without padding for tokens, standard with
// padding for keys in configuration. Decoding is strict: only the canonical encoding of some bytes is
// accepted, so two different texts never decode to the same bytes (a token with an altered final
// character cannot still verify). The standard form, which carries keys, decodes in constant time;
// the URL-safe form, which carries what clients send (tokens, cursors), decodes fast.
namespace shop::infra::crypto {

std::string encode_base64url(std::string_view bytes);
std::optional<std::string> decode_base64url(std::string_view text);

std::string encode_base64(std::string_view bytes);
std::optional<std::string> decode_base64(std::string_view text);

// Lower-case hex, two characters per byte; decoding takes either case and refuses odd lengths.
std::string encode_hex(std::string_view bytes);
std::optional<std::string> decode_hex(std::string_view text);

}  // namespace shop::infra::crypto
