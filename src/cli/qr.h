// Terminal QR codes for TOTP enrollment URIs.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace pim::cli {

// Encodes `text` (libqrencode, error correction level M) and draws it with UTF-8 half blocks, two
// module rows per text line, with a 2-module quiet zone. Glyphs mark LIGHT modules (like
// `qrencode -t UTF8`), which suits the usual dark-background terminal. Each line ends in '\n'.
// InvalidArgument when the text is too long for a QR code.
Result<std::string> RenderQr(std::string_view text);

}  // namespace pim::cli
