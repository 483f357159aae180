#include "cli/qr.h"

#include <qrencode.h>

#include <memory>
#include <string>

namespace pim::cli {
namespace {

constexpr int kMargin = 2;

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<std::string> RenderQr(std::string_view text) {
  const std::string input(text);
  std::unique_ptr<QRcode, QrDeleter> qr(
      QRcode_encodeString8bit(input.c_str(), /*version=*/0, QR_ECLEVEL_M));
  if (!qr) return InvalidArgument("cannot encode a QR code for this text (too long?)");
  const int width = qr->width;
  const int size = width + 2 * kMargin;
  // Dark module at (x, y) of the bordered symbol; the margin is light.
  auto dark = [&](int x, int y) {
    x -= kMargin;
    y -= kMargin;
    if (x < 0 || y < 0 || x >= width || y >= width) return false;
    return (qr->data[y * width + x] & 1) != 0;
  };
  std::string out;
  for (int y = 0; y < size; y += 2) {
    for (int x = 0; x < size; ++x) {
      const bool top_light = !dark(x, y);
      const bool bottom_light = y + 1 < size ? !dark(x, y + 1) : false;
      if (top_light && bottom_light) {
        out += "\u2588";  // full block
      } else if (top_light) {
        out += "\u2580";  // upper half block
      } else if (bottom_light) {
        out += "\u2584";  // lower half block
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace pim::cli
