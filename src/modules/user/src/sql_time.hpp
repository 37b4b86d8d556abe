#pragma once

// Our clock's time points travel to PostgreSQL as microseconds since the epoch
// (infra::clock::epoch_microseconds); this turns such a parameter into a timestamptz, exactly.
#define SHOP_USER_SQL_TIME(param) "(timestamptz 'epoch' + (" param ")::bigint * interval '1 microsecond')"
