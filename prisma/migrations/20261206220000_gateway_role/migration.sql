-- Keys of a front server's remote gateway: they act as a user of their tenant (header jobs-act-as).
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'GATEWAY';
