FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
ENV PORT=4000 JOBS_DATA_DIR=/data
EXPOSE 4000
CMD ["npm", "start"]
