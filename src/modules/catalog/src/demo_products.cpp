#include "demo_products.hpp"

#include "products.hpp"

#include <fmt/format.h>

#include <chrono>

namespace shop::catalog {
namespace {

struct Demo {
  const char* name;
  const char* category;
  std::int64_t price;
  std::int64_t stock;
  const char* description;
};

// A storefront a newcomer can browse: Korean and English names (searches such as q=사과 or q=tea
// find something), three categories, prices for every sort.
constexpr Demo kDemos[] = {
    {"사과 1kg", "fruit", 12'900, 120, "경북 청송 부사.\n아삭하고 달아요."},
    {"배 선물세트", "fruit", 45'000, 30, "나주 신고배 6입."},
    {"귤 3kg", "fruit", 15'800, 200, "제주 노지 감귤."},
    {"딸기 500g", "fruit", 9'900, 80, "논산 설향."},
    {"샤인머스캣 2송이", "fruit", 24'000, 40, "씨 없이 껍질째."},
    {"Green apple, 6 pack", "fruit", 8'500, 60, "Tart and crisp."},
    {"Banana bunch", "fruit", 3'900, 150, "About 1.2 kg."},
    {"Mango, Thai", "fruit", 6'500, 70, "Ripe in two days."},
    {"녹차 티백 50개", "tea", 7'900, 300, "보성 유기농 녹차."},
    {"보리차 1L x 12", "tea", 11'400, 90, "구수한 볶은 보리."},
    {"유자차 1kg", "tea", 13'500, 110, "고흥 유자청."},
    {"Earl Grey, loose leaf", "tea", 16'000, 45, "Bergamot, 100 g tin."},
    {"Jasmine green tea", "tea", 12'000, 50, "Hand-rolled pearls."},
    {"Rooibos vanilla", "tea", 9'000, 35, "Caffeine-free."},
    {"Matcha powder 30g", "tea", 21'000, 25, "Ceremonial grade."},
    {"Chai spice mix", "tea", 8'800, 40, "Cardamom, cinnamon, ginger."},
    {"Ceramic teapot", "kitchen", 38'000, 15, "600 ml, with strainer."},
    {"Glass kettle", "kitchen", 29'000, 20, "Works on gas and induction."},
    {"Bamboo cutting board", "kitchen", 19'500, 50, "40 x 25 cm."},
    {"Cast iron pan 26cm", "kitchen", 54'000, 12, "Pre-seasoned."},
    {"Chef's knife", "kitchen", 89'000, 8, "VG-10 steel, 21 cm."},
    {"뚝배기 2호", "kitchen", 14'000, 60, "찌개 1~2인분."},
    {"도마 원목", "kitchen", 32'000, 18, "편백나무."},
    {"수저 세트", "kitchen", 22'000, 40, "스테인리스, 2인."},
    {"Espresso cups, set of 4", "kitchen", 26'000, 30, "80 ml, porcelain."},
    {"French press 1L", "kitchen", 34'000, 22, "Borosilicate glass."},
    {"Honey 500g", "pantry", 18'000, 55, "Acacia, raw."},
    {"꿀 1kg", "pantry", 33'000, 25, "지리산 야생화꿀."},
    {"참기름 350ml", "pantry", 16'500, 70, "국산 참깨."},
    {"Olive oil 500ml", "pantry", 19'900, 65, "Extra virgin, first press."},
    {"Sea salt 1kg", "pantry", 5'500, 100, "신안 천일염."},
    {"Dark chocolate 70%", "pantry", 4'800, 140, "Single origin."},
    {"Granola 500g", "pantry", 9'500, 75, "Oats, almonds, maple."},
    {"쌀 10kg", "pantry", 39'000, 35, "이천 햅쌀."},
    {"Coffee beans 1kg", "pantry", 42'000, 28, "Medium roast, Ethiopia."},
};

// Fixed, so that a second seed creates nothing; the last digits count the demos.
std::string demo_id(std::size_t index) {
  return fmt::format("de300000-0000-4000-8000-{:012d}", index + 1);
}

constexpr std::size_t kLimitedSaleIndex = std::size(kDemos);

}  // namespace

boost::asio::awaitable<int> seed_demo_products(CatalogContext& ctx, std::string seller_id) {
  auto seed = [&](infra::db::Tx& tx) {
    int created = 0;
    for (std::size_t i = 0; i < std::size(kDemos); ++i) {
      const auto& d = kDemos[i];
      const NewProduct fields{.name = d.name,
                              .description = d.description,
                              .price = d.price,
                              .stock = d.stock,
                              .category = std::string(d.category)};
      if (insert_product(ctx, tx, demo_id(i), seller_id, fields)) ++created;
    }
    // A limited sale a day out, one per customer: ordering now is refused with sale_not_open.
    const NewProduct limited{.name = "한정판 다기 세트 (Limited teaware set)",
                             .description = "100 sets only.\nOne per customer.",
                             .price = 150'000,
                             .stock = 100,
                             .category = std::string("kitchen"),
                             .sale_opens_at = ctx.clock.now() + std::chrono::hours(24),
                             .purchase_limit = 1};
    if (insert_product(ctx, tx, demo_id(kLimitedSaleIndex), seller_id, limited)) ++created;
    return created;
  };
  co_return co_await ctx.db.transact(seed);
}

}  // namespace shop::catalog
